import type { ProviderKind, TfsVersion } from './integration';
import type { ProjectRef, ProjectScope } from './project-association';
import type { BranchNaming } from './branch-name';

/**
 * Which Jira app platform installed a tenant: the platform port (lambdas/jira: request
 * authenticator, lifecycle, JiraRestClient) has one adapter, Forge Remote.
 */
export type JiraPlatformKind = 'forge';

/**
 * A Jira site that installed the app: `clientKey` is the Forge installation id (the FIT's
 * `app.installationId`), with the site's cloud id and the app/environment ids for page links.
 */
export interface TenantRecord {
  readonly clientKey: string;
  /** The Jira site's own URL (https://example.atlassian.net), or '' when not known (Forge events name no URL). */
  readonly baseUrl: string;
  readonly platform?: JiraPlatformKind;
  /** `context.cloudId` of the installation. */
  readonly cloudId?: string;
  /** The app id (uuid part of the app ARI) and environment id (its ARI, as the FIT names it), for page URLs. */
  readonly forgeAppId?: string;
  readonly forgeEnvironmentId?: string;
  readonly installedAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

export type CredentialKind = 'token' | 'aws-keys' | 'basic';

interface StoredCredentialBase {
  readonly ciphertext: string;
  /** The last characters of the secret; empty for a Basic password. */
  readonly hint: string;
  readonly setAt: string;
  /** Service credentials: who the host said the credential is, when it was checked on save (docs/architecture.md §2). */
  readonly login?: string;
  readonly scopes?: readonly string[];
  /** When the host reports the credential's expiry: the instant it stops working. */
  readonly expiresAt?: string;
}

export interface StoredTokenCredential extends StoredCredentialBase {
  readonly kind: 'token';
}

export interface StoredAwsKeysCredential extends StoredCredentialBase {
  readonly kind: 'aws-keys';
  /** CodeCommit: the access key id is not secret and is shown. */
  readonly accessKeyId?: string;
}

export interface StoredBasicCredential extends StoredCredentialBase {
  readonly kind: 'basic';
  /** TFS 2013/2015 Basic accounts. */
  readonly username?: string;
}

/**
 * What is stored of a credential, by kind: ciphertext and display metadata, never plaintext.
 * Items are read through its codec (lambdas/domain/stored-credential.ts).
 */
export type StoredCredential = StoredTokenCredential | StoredAwsKeysCredential | StoredBasicCredential;

export interface IntegrationRecord {
  readonly tenant: string;
  readonly id: string;
  readonly name: string;
  readonly provider: ProviderKind;
  readonly baseUrl?: string;
  readonly region?: string;
  readonly tfsVersion?: TfsVersion;
  readonly requireUserPat: boolean;
  /** Which Jira projects may reach it (docs/architecture.md §3 step 0); absent on older items: all. */
  readonly projects?: ProjectScope;
  readonly serviceCredential: StoredCredential;
  /** The team's branch naming (docs/architecture.md §5); absent: the default `ABC-123-summary` pattern. */
  readonly branchNaming?: BranchNaming;
  /**
   * `canonical`: every override of this integration is stored under its canonical repository id
   * (integrations created since ids became canonical). Absent on older integrations, whose overrides
   * an action reads all of (one Query) and canonicalises in memory.
   */
  readonly overrideKeys?: 'canonical';
  /** When the integration got its current host (baseUrl or region): on create and on every move. */
  readonly hostSetAt?: string;
  readonly version: number;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export interface RepositoryOverrideRecord {
  readonly integrationId: string;
  readonly repositoryId: string;
  readonly requireUserPat: boolean;
  /** Narrows the integration's projects for this repository (never widens them); absent: the integration's. */
  readonly projects?: readonly ProjectRef[];
  /** The branch the panel preselects to start from (GitFlow: `develop`); absent: the host's default branch. */
  readonly defaultSourceBranch?: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export const TOKEN_STATUSES = ['valid', 'expiring', 'expired', 'invalid'] as const;
export type StoredTokenStatus = (typeof TOKEN_STATUSES)[number];

/** A user's own PAT (or CodeCommit key pair) for one integration. */
export interface UserTokenRecord {
  readonly tenant: string;
  readonly accountId: string;
  readonly integrationId: string;
  readonly credential: StoredCredential;
  readonly providerLogin: string;
  readonly displayName?: string;
  readonly scopes?: readonly string[];
  readonly expiresAt?: string;
  readonly status: StoredTokenStatus;
  readonly savedAt: string;
  readonly verifiedAt: string;
  readonly version: number;
}

export interface AuditEntry {
  readonly id: string;
  readonly at: string;
  readonly actorAccountId: string;
  readonly action: string;
  readonly integrationId?: string;
  readonly repositoryId?: string;
  readonly issueKey?: string;
  readonly outcome: 'success' | 'refused' | 'failed';
  /** Refusal or error code. */
  readonly code?: string;
  /** As whom the host saw the action. */
  readonly actedAs?: { readonly credential: 'user-pat' | 'service-account'; readonly login?: string };
  readonly url?: string;
  /** What a successful git action made or removed: the branch, or the pull request (its number, source branch and title). */
  readonly subject?: { readonly branchName?: string; readonly pullRequestId?: string; readonly sourceBranch?: string; readonly title?: string };
  /** What changed (field names and non-secret values). */
  readonly changes?: Readonly<Record<string, unknown>>;
  /** What changed as people read it ("Require User PAT: off → on"), one line each, computed at write time (domain/audit-summary.ts). */
  readonly summary?: readonly string[];
}
