/** The git hosts an integration can point at (docs/architecture.md §4). */
export const PROVIDER_KINDS = [
  'github',
  'github-enterprise',
  'gitlab',
  'gitlab-self-managed',
  'azure-devops',
  'vsts',
  'tfs',
  'codecommit',
] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export const TFS_VERSIONS = ['2013', '2015', '2017', '2018', '2019', '2020', '2022'] as const;
export type TfsVersion = (typeof TFS_VERSIONS)[number];

/** TFS 2013 and 2015 predate personal access tokens. */
export const TFS_VERSIONS_WITHOUT_PAT: readonly TfsVersion[] = ['2013', '2015'];

export const supportsPersonalAccessTokens = (provider: ProviderKind, tfsVersion?: TfsVersion): boolean =>
  provider !== 'tfs' || (tfsVersion !== undefined && !TFS_VERSIONS_WITHOUT_PAT.includes(tfsVersion));
