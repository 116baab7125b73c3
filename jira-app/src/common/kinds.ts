import { BUILT_IN_KINDS, TFS_VERSIONS, TFS_VERSIONS_WITHOUT_PAT, type ProviderKind, type TfsVersion } from '../../../lambdas/domain/integration';

/** The kinds the admin page offers: patgate's own, which the pages have labels for. */
export const PROVIDER_KINDS = BUILT_IN_KINDS;
export { TFS_VERSIONS, TFS_VERSIONS_WITHOUT_PAT };

export const KIND_LABELS: Record<ProviderKind, string> = {
  github: 'GitHub',
  'github-enterprise': 'GitHub Enterprise Server',
  gitlab: 'GitLab.com',
  'gitlab-self-managed': 'GitLab self-managed',
  'azure-devops': 'Azure DevOps Services',
  vsts: 'Visual Studio Team Services (VSTS)',
  tfs: 'Team Foundation Server / Azure DevOps Server',
  codecommit: 'AWS CodeCommit',
};

export const SELF_HOSTED: readonly ProviderKind[] = ['github-enterprise', 'gitlab-self-managed', 'azure-devops', 'vsts', 'tfs'];

export const BASE_URL_EXAMPLES: Partial<Record<ProviderKind, string>> = {
  'github-enterprise': 'https://github.example.com',
  'gitlab-self-managed': 'https://gitlab.example.com',
  'azure-devops': 'https://dev.azure.com/{organization}',
  vsts: 'https://{account}.visualstudio.com',
  tfs: 'https://tfs.example.com/tfs/DefaultCollection',
};

/** Which service credential an integration takes (the API refuses any other shape). */
export type CredentialKind = 'token' | 'aws-keys' | 'basic';
export const credentialKindFor = (provider: ProviderKind, tfsVersion?: TfsVersion): CredentialKind =>
  provider === 'codecommit' ? 'aws-keys' : provider === 'tfs' && tfsVersion && TFS_VERSIONS_WITHOUT_PAT.includes(tfsVersion) ? 'basic' : 'token';

/** Hosts that never tell a PAT's expiry: the user may state it. */
export const STATES_EXPIRY: readonly ProviderKind[] = ['azure-devops', 'vsts', 'tfs'];

export const isTfsWithoutPat = (provider: ProviderKind, tfsVersion?: string): boolean =>
  provider === 'tfs' && tfsVersion !== undefined && (TFS_VERSIONS_WITHOUT_PAT as readonly string[]).includes(tfsVersion);

/** How a kind's host names a repository, for placeholders and help text (what the override and pickers take). */
export const REPOSITORY_NAMING: Record<BuiltInKindName, { readonly placeholder: string; readonly help: string }> = {
  github: { placeholder: 'owner/name', help: 'As GitHub names it: owner/name.' },
  'github-enterprise': { placeholder: 'owner/name', help: 'As GitHub Enterprise names it: owner/name.' },
  gitlab: { placeholder: 'group/project', help: 'As GitLab names it: group/project (subgroups too), or the numeric project id.' },
  'gitlab-self-managed': { placeholder: 'group/project', help: 'As GitLab names it: group/project (subgroups too), or the numeric project id.' },
  'azure-devops': { placeholder: 'project/repository', help: 'As Azure DevOps names it: project/repository.' },
  vsts: { placeholder: 'project/repository', help: 'As Azure DevOps names it: project/repository.' },
  tfs: { placeholder: 'project/repository', help: 'As the server names it: project/repository.' },
  codecommit: { placeholder: 'repository-name', help: 'The CodeCommit repository name in the integration\'s region.' },
};
type BuiltInKindName = (typeof PROVIDER_KINDS)[number];

export const repositoryNamingOf = (kind: ProviderKind): { readonly placeholder: string; readonly help: string } =>
  REPOSITORY_NAMING[kind as BuiltInKindName] ?? { placeholder: 'repository', help: 'As the host names the repository.' };

/** GitLab says "merge request"; every other host "pull request". */
export const isGitLab = (kind: ProviderKind): boolean => kind === 'gitlab' || kind === 'gitlab-self-managed';
export const pullRequestWord = (kind: ProviderKind): string => (isGitLab(kind) ? 'merge request' : 'pull request');
