import type { ProviderKind, TfsVersion } from '../domain/integration';
import type { CredentialKind, IntegrationRecord } from '../domain/records';
import type { GitProviderFactory, HostTarget } from './git-provider';
import type { RepositoryIdRule } from './repository-id-rule';

/** The configured public endpoints (fixed in AWS; the simulators' in local mode). */
export interface HostEndpoints {
  readonly githubApiUrl: string;
  readonly githubWebUrl: string;
  readonly gitlabUrl: string;
  readonly codecommitEndpoint?: string | undefined;
}

/** Where the host lives; with the tenant and integration id when the caller has the record (the target then names its integration). */
export type HostFields = Pick<IntegrationRecord, 'provider' | 'baseUrl' | 'region' | 'tfsVersion'> & Partial<Pick<IntegrationRecord, 'tenant' | 'id'>>;

/**
 * Everything patgate knows about one git host family, in one place (docs/architecture.md §8). It is
 * plain data and small functions, free of the host's client library, so the functions that never
 * call a host (admin, public, lifecycle) read it without bundling an adapter.
 */
export interface HostFamily {
  /** The integration kinds this family serves. */
  readonly kinds: readonly ProviderKind[];
  /** What the integration's service credential (and a user's token) must be. */
  credentialKind(kind: ProviderKind, tfsVersion?: TfsVersion): CredentialKind;
  /** Self-hosted kinds need a base URL; the others must not have one. */
  needsBaseUrl(kind: ProviderKind): boolean;
  /** Whether the kind needs an AWS region (and must not have one otherwise). */
  readonly needsRegion: boolean;
  /** Whether the kind needs a TFS version (and must not have one otherwise). */
  needsTfsVersion(kind: ProviderKind): boolean;
  /** Why a (safe, normalised) base URL does not fit the kind, or undefined when it does. Skipped in local mode. */
  baseUrlMisfit(kind: ProviderKind, baseUrl: URL): string | undefined;
  /**
   * Whether the host tells a token's expiry: `reported` (read at save), `never` (the credential does
   * not expire), `unreported` (it expires, but the host never says when: the user may state it).
   */
  readonly tokenExpiry: 'reported' | 'never' | 'unreported';
  /**
   * The host a credential of a kind without a base URL is verified against (it joins the
   * credential's encryption context; see services/host-credentials.ts).
   */
  publicHost(integration: Pick<HostFields, 'provider' | 'region'>): string | undefined;
  /** Where the integration's host lives. */
  target(integration: HostFields, endpoints: HostEndpoints): HostTarget;
  /**
   * The host's page where a user makes a new token (name and minimal scopes prefilled where the host
   * allows), computed without the client library: the token list and readiness answer it without
   * loading the family's adapter. The adapter's `newTokenUrl()` returns the same.
   */
  newTokenUrl(target: HostTarget): string;
  /** How the family names a repository (canonical spelling, resolved by the host or not). */
  readonly repositoryId: RepositoryIdRule;
  /** How people write a pull request's number on this host: `#12` (GitHub), `!12` (GitLab, Azure DevOps); absent: the bare number. */
  readonly pullRequestSigil?: '#' | '!';
  /** Whether the adapter answers the issue's branches and pull requests (`GitProvider.listIssueDevelopment`). */
  readonly listsIssueDevelopment?: boolean;
  /** What the family calls a pull request in the pages ("merge request" on GitLab). */
  readonly pullRequestNoun?: string;
}

/** A family with its adapter: only what the host-calling functions bundle (see provider-registry.ts). */
export interface HostFamilyAdapter {
  readonly family: HostFamily;
  readonly createProvider: GitProviderFactory;
}

/** A registry of host families, by kind: every kind served by exactly one family. */
export const familiesByKind = <F extends { readonly kinds: readonly ProviderKind[] }>(families: readonly F[]): ReadonlyMap<ProviderKind, F> => {
  const byKind = new Map<ProviderKind, F>();
  for (const family of families) {
    for (const kind of family.kinds) {
      if (byKind.has(kind)) throw new Error(`Two host families serve ${kind}.`);
      byKind.set(kind, family);
    }
  }
  return byKind;
};
