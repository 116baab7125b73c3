import type { ProviderKind } from '../api/patgate';
import { KIND_LABELS } from '../common/kinds';

/**
 * The panel's words per host kind: GitLab's "merge request", how each host writes a pull request's
 * number (`#12` GitHub, `!12` GitLab and Azure DevOps, the bare number on CodeCommit) and how its
 * repositories are named in a placeholder.
 */
export const pullRequestNoun = (kind: ProviderKind): string => (kind === 'gitlab' || kind === 'gitlab-self-managed' ? 'merge request' : 'pull request');

export const pullRequestReference = (kind: ProviderKind, id: string): string => {
  if (kind === 'github' || kind === 'github-enterprise') return `#${id}`;
  if (kind === 'codecommit') return id;
  return `!${id}`;
};

export const repositoryExample = (kind: ProviderKind): string => {
  if (kind === 'gitlab' || kind === 'gitlab-self-managed') return 'group/project';
  if (kind === 'azure-devops' || kind === 'vsts' || kind === 'tfs') return 'project/repository';
  if (kind === 'codecommit') return 'repository-name';
  return 'owner/repository';
};

export const capitalised = (text: string): string => text.replace(/^./, (c) => c.toUpperCase());

/** "GitHub (acme)" stays as it is; "acme" becomes "acme (GitHub)": the kind is never said twice. */
export const integrationLabel = (name: string, kind: ProviderKind): string => {
  const label = KIND_LABELS[kind] ?? kind;
  const lower = name.toLowerCase();
  const named = (label.match(/[A-Za-z]{3,}/g) ?? []).filter((word) => !GENERIC.has(word.toLowerCase())).some((word) => lower.includes(word.toLowerCase()));
  return named ? name : `${name} (${label})`;
};

const GENERIC: ReadonlySet<string> = new Set(['server', 'services', 'self', 'managed', 'team', 'foundation', 'visual', 'studio', 'aws', 'com']);
