/**
 * The kinds of patgate's own host families (lambdas/hosts/<family>/descriptor.ts). Code that switches
 * on a kind names these; which kinds an API accepts is the registry of families in use
 * (lambdas/hosts/family-registry.ts), never this list.
 */
export const BUILT_IN_KINDS = [
  'github',
  'github-enterprise',
  'gitlab',
  'gitlab-self-managed',
  'azure-devops',
  'vsts',
  'tfs',
  'codecommit',
] as const;
export type BuiltInKind = (typeof BUILT_IN_KINDS)[number];

/**
 * The git host an integration points at (docs/architecture.md §4): a built-in kind, or one that a
 * registered host family adds. The type is open on purpose; the registry of families checks it at
 * run time (the request schemas, the services) and a kind no family serves is refused there.
 */
export type ProviderKind = BuiltInKind | (string & NonNullable<unknown>);

export const TFS_VERSIONS = ['2013', '2015', '2017', '2018', '2019', '2020', '2022'] as const;
export type TfsVersion = (typeof TFS_VERSIONS)[number];

/** TFS 2013 and 2015 predate personal access tokens. */
export const TFS_VERSIONS_WITHOUT_PAT: readonly TfsVersion[] = ['2013', '2015'];

export const supportsPersonalAccessTokens = (provider: ProviderKind, tfsVersion?: TfsVersion): boolean =>
  provider !== 'tfs' || (tfsVersion !== undefined && !TFS_VERSIONS_WITHOUT_PAT.includes(tfsVersion));
