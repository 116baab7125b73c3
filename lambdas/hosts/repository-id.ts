import type { ProviderKind } from '../domain/integration';
import { invalidRepositoryId, type RepositoryIdRule } from './repository-id-rule';
import { azureDevOpsRepositoryId } from './azure-devops/repository-id';
import { codeCommitRepositoryId } from './codecommit/repository-id';
import { gitHubRepositoryId } from './github/repository-id';
import { gitLabRepositoryId } from './gitlab/repository-id';

/** The rule of each integration kind; each family's rule and its sources sit beside its adapter. */
export const REPOSITORY_ID_RULES: Record<ProviderKind, RepositoryIdRule> = {
  github: gitHubRepositoryId,
  'github-enterprise': gitHubRepositoryId,
  gitlab: gitLabRepositoryId,
  'gitlab-self-managed': gitLabRepositoryId,
  'azure-devops': azureDevOpsRepositoryId,
  vsts: azureDevOpsRepositoryId,
  tfs: azureDevOpsRepositoryId,
  codecommit: codeCommitRepositoryId,
};

export const canonicalRepositoryId = (provider: ProviderKind, raw: string): string => REPOSITORY_ID_RULES[provider].canonical(raw);

/**
 * Every canonical spelling `raw` could have under any family, for reading the override in the same
 * BatchGetItem as the integration (whose family is not known yet). The caller keeps only the key of
 * the integration's own family, so a spelling valid elsewhere never selects an override here.
 */
export const candidateRepositoryKeys = (raw: string): string[] => {
  const keys = new Set<string>();
  for (const rule of new Set(Object.values(REPOSITORY_ID_RULES))) {
    try {
      keys.add(rule.canonical(raw));
    } catch {
      /* not a spelling of this family */
    }
  }
  if (keys.size === 0) throw invalidRepositoryId('no git host accepts this repository id');
  return [...keys];
};

export type { RepositoryIdRule };
