import type { AppError } from '../domain/errors';
import type { ProviderKind, TfsVersion } from '../domain/integration';
import type { Secret } from '../domain/secret';
import type { PullRequestFacts } from './codecommit/pull-request-facts';
import type { OutboundConnections } from './outbound-connections';

/**
 * The credential a git action runs with: a PAT (every host but CodeCommit), or an IAM access key
 * pair (CodeCommit). The same shape serves a user's own token and the integration's service account.
 */
export type HostCredential =
  | { readonly kind: 'token'; readonly token: Secret }
  | { readonly kind: 'aws-keys'; readonly accessKeyId: string; readonly secretAccessKey: Secret }
  /** TFS 2013/2015 service accounts only: those versions have no PATs, so IIS Basic auth with a user name. */
  | { readonly kind: 'basic'; readonly username: string; readonly password: Secret };

/**
 * Where a host lives, already resolved from the integration (by its family descriptor's `target`, host-family.ts).
 * - github: apiUrl `https://api.github.com`, webUrl `https://github.com`
 * - github-enterprise: apiUrl `https://HOST/api/v3`, webUrl `https://HOST`
 * - gitlab / gitlab-self-managed: apiUrl = webUrl = `https://HOST` (the client adds /api/v4)
 * - azure-devops / vsts / tfs: apiUrl = webUrl = the organisation / account / collection URL
 * - codecommit: region, and apiUrl only to point the SDK at a non-AWS endpoint (local simulator)
 */
export interface HostTarget {
  readonly provider: ProviderKind;
  readonly apiUrl: string;
  readonly webUrl: string;
  readonly tfsVersion?: TfsVersion;
  readonly region?: string;
  /** The integration the target was resolved from, when known: what a cache shared between containers is scoped by (CodeCommit). */
  readonly integration?: { readonly tenant: string; readonly id: string };
}

/** What the host says about a credential. */
export interface VerifiedIdentity {
  readonly login: string;
  readonly displayName?: string;
  /** Scopes the host reports for the token, when it reports any. */
  readonly scopes?: readonly string[];
  /** Scopes (or permissions) that branch and pull-request actions need and the token lacks. */
  readonly missingScopes?: readonly string[];
  /** ISO 8601 instant, when the host tells the expiry. */
  readonly expiresAt?: string;
}

/**
 * A repository on the host, as the integration names it:
 * GitHub `owner/repo`; GitLab the project path `group/sub/project` or numeric id;
 * Azure DevOps / VSTS / TFS `project/repository`; CodeCommit the repository name.
 */
export type RepositoryRef = string;

export interface CreateBranchInput {
  readonly repository: RepositoryRef;
  readonly branchName: string;
  /** A branch name (without refs/heads/). */
  readonly fromRef: string;
}

export interface DeleteBranchInput {
  readonly repository: RepositoryRef;
  readonly branchName: string;
}

export interface CreatePullRequestInput {
  readonly repository: RepositoryRef;
  readonly sourceBranch: string;
  readonly targetBranch: string;
  readonly title: string;
  readonly description?: string;
}

/** What a picker asks for: at most `limit` matches of `query` (case-insensitive substring; none: all). */
export interface ListRepositoriesInput {
  readonly query?: string;
  readonly limit: number;
}

export interface ListBranchesInput {
  readonly repository: RepositoryRef;
  readonly query?: string;
  readonly limit: number;
}

/** A repository the credential can see; `id` is what the git actions take as `repositoryId`. */
export interface RepositorySummary {
  readonly id: RepositoryRef;
  readonly name: string;
  /** Branch name without refs/heads/, when the listing tells it. */
  readonly defaultBranch?: string;
  /** The host's web page of the repository, when known. */
  readonly url?: string;
}

export interface BranchSummary {
  /** Without refs/heads/. */
  readonly name: string;
  readonly isDefault: boolean;
}

/**
 * The first `limit` matches in the host's order (branches: the default branch first when it matches);
 * `truncated` when more matches exist or the host's pages were not all read (a bounded walk).
 */
export interface Listing<T> {
  readonly items: readonly T[];
  readonly truncated: boolean;
}

/** What the issue panel asks one repository about one issue (docs/architecture.md §4, the issue's development). */
export interface IssueDevelopmentInput {
  readonly repository: RepositoryRef;
  /** The Jira issue key (`ABC-123`) a branch's name or a pull request's title or source branch carries. */
  readonly issueKey: string;
  /** At most this many branches and this many pull requests. */
  readonly limit: number;
}

/** A pull (merge) request's state, in words that hold for every host. */
export type PullRequestState = 'open' | 'merged' | 'declined' | 'closed';

export interface HostPullRequest {
  /** The number people use (`#12` on GitHub, `!12` on GitLab and Azure DevOps: the family's `pullRequestSigil`). */
  readonly id: string;
  readonly title: string;
  readonly state: PullRequestState;
  readonly url: string;
  readonly sourceBranch: string;
  readonly targetBranch?: string;
  /** The host login that opened it, when the listing tells it. */
  readonly author?: string;
}

export interface HostDevelopment {
  readonly branches: readonly { readonly name: string; readonly url: string }[];
  readonly pullRequests: readonly HostPullRequest[];
  /** How many host requests the answer took (bounded: one for branches, one for pull requests). */
  readonly hostCalls: number;
}

/** The create that a host refused with CONFLICT. */
export type ConflictingCreate = { readonly action: 'create-branch'; readonly input: CreateBranchInput } | { readonly action: 'create-pull-request'; readonly input: CreatePullRequestInput };

export interface BranchResult {
  /** The host's web URL of the branch. */
  readonly url: string;
  readonly commitId?: string;
}

export interface PullRequestResult {
  /** The host's web URL of the pull (merge) request. */
  readonly url: string;
  readonly id: string;
}

/**
 * One adapter per host family. Every method throws AppError on failure:
 * - host 401 (or Azure's HTML sign-in 203) → code SERVICE_CREDENTIAL_REJECTED with hostReason 'unauthorized'
 *   (callers acting with a user's PAT translate it to PAT_INVALID / TOKEN_REJECTED)
 * - 403 without rate-limit headers, 404 → NOT_FOUND (hostReason 'forbidden' | 'not-found'), never telling which
 * - "already exists" → CONFLICT
 * - 429 / rate-limit 403 → HOST_RATE_LIMITED with retryAfterSeconds
 * - 5xx, malformed bodies, connection errors → HOST_UNAVAILABLE; timeouts → HOST_TIMEOUT (504)
 * - 400 invalid name etc. → VALIDATION_FAILED (hostReason 'bad-request')
 * - PAT auth not supported (TFS 2013/2015) → PAT_NOT_SUPPORTED
 */
export interface GitProvider {
  verifyToken(credential: HostCredential): Promise<VerifiedIdentity>;
  createBranch(credential: HostCredential, input: CreateBranchInput): Promise<BranchResult>;
  deleteBranch(credential: HostCredential, input: DeleteBranchInput): Promise<void>;
  createPullRequest(credential: HostCredential, input: CreatePullRequestInput): Promise<PullRequestResult>;
  /**
   * Where the branch or pull request a CONFLICT of `createBranch`/`createPullRequest` says exists can
   * be seen on the host, when the host can tell it cheaply (a computed web URL, the refusal itself, or
   * one lookup); undefined otherwise. Called only after a CONFLICT, so the other paths cost nothing.
   */
  existingUrl?(credential: HostCredential, conflict: ConflictingCreate, error: AppError): Promise<string | undefined>;
  /** Pickers: repositories the credential can see, paged by the host, filtered by `query`, capped at `limit`. */
  listRepositories(credential: HostCredential, input: ListRepositoriesInput): Promise<Listing<RepositorySummary>>;
  /** Pickers: branches of one repository, the default branch first and flagged. */
  listBranches(credential: HostCredential, input: ListBranchesInput): Promise<Listing<BranchSummary>>;
  /**
   * The issue panel's "what exists": the repository's branches and pull requests whose name (or
   * title, or source branch) carries the issue key, in exactly one branch query and one pull-request
   * query (first page only: bounded, never a walk). Absent where a family cannot answer it that cheaply.
   */
  listIssueDevelopment?(credential: HostCredential, input: IssueDevelopmentInput): Promise<HostDevelopment>;
  /** The host's page where a user makes a new token, name and minimal scopes prefilled where supported. */
  newTokenUrl(): string;
  /**
   * Families whose spellings of one repository cannot be matched offline (GitLab numeric id vs path,
   * Azure DevOps GUID vs name) ask the host: every canonical spelling of the repository it names, and
   * the id to act on. Absent where the canonical id alone decides (see hosts/repository-id.ts).
   */
  resolveRepository?(credential: HostCredential, repository: RepositoryRef): Promise<ResolvedRepository>;
}

/** A repository as its host resolved it. */
export interface ResolvedRepository {
  /** What to send the host for this repository from now on (GitLab: numeric id; Azure DevOps: project/repository names). */
  readonly hostId: string;
  /** Every canonical spelling of the repository (lower-cased where the host folds case). */
  readonly keys: readonly string[];
}

export interface HostCallOptions {
  /** Milliseconds to wait for a connection (docs/architecture.md §8: 3 s). */
  readonly connectTimeoutMs: number;
  /** Milliseconds for a whole call (docs/architecture.md §8: 10 s). */
  readonly requestTimeoutMs: number;
  /** The guarded keep-alive connections to use; public hosts only when absent (see outbound-connections.ts). */
  readonly connections?: OutboundConnections;
  /** CodeCommit: the pull requests' branches recorded by every container (see codecommit/pull-request-facts.ts); absent: per container only. */
  readonly pullRequestFacts?: PullRequestFacts;
}

export const DEFAULT_HOST_CALL_OPTIONS: HostCallOptions = { connectTimeoutMs: 3_000, requestTimeoutMs: 10_000 };

export type GitProviderFactory = (target: HostTarget, options?: HostCallOptions) => GitProvider;
