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
