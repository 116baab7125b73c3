import type { PullRequestTarget } from './pull-request-targets';

/**
 * The port through which the CodeCommit adapter reads and records what it learned about pull
 * requests' branches, shared by every container (the git-action wiring backs it with the table:
 * lambdas/store/pull-request-facts-store.ts). A pull request's targets never change after it is
 * made, so a fact, once read from CodeCommit, stays true; only whether the pull request is still
 * open changes, and ListPullRequests answers that afresh on every create.
 *
 * It is a cache: an implementation may throw, and the adapter then asks CodeCommit instead.
 */
export interface PullRequestFacts {
  /** The facts recorded for these pull request ids (absent: not known). */
  get(scope: PullRequestFactsScope, pullRequestIds: readonly string[]): Promise<ReadonlyMap<string, KnownPullRequest>>;
  /** Records (or refreshes) facts read from CodeCommit or made by patgate's own create. */
  put(scope: PullRequestFactsScope, facts: readonly PullRequestFact[]): Promise<void>;
}

/**
 * One integration's repository in one region, in one tenant's keys: a pull request id means one pull
 * request only within a repository of one AWS account and region, and one tenant never reads another's.
 */
export interface PullRequestFactsScope {
  readonly tenant: string;
  readonly integrationId: string;
  readonly region: string;
  readonly repository: string;
}

export interface PullRequestFact {
  readonly pullRequestId: string;
  readonly targets: readonly PullRequestTarget[];
}

export interface KnownPullRequest {
  readonly targets: readonly PullRequestTarget[];
  /** Recorded long enough ago that it should be written again (its expiry counts from the last write). */
  readonly refreshDue: boolean;
}
