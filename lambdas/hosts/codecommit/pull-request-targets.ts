import { BoundedMap } from '../bounded-map';

/**
 * The source and destination branches of CodeCommit pull requests already read, per endpoint, region,
 * access key and repository. A pull request's targets never change after it is made (only its status
 * does, and ListPullRequests answers that afresh on every call), so a warm container reads each open
 * pull request once instead of on every create. Keyed by access key: a credential only ever learns
 * what it could read itself. Bounded; the oldest entries go first.
 */
export interface PullRequestTarget {
  readonly repository: string | undefined;
  readonly source: string | undefined;
  readonly destination: string | undefined;
}

const MAX_ENTRIES = 50_000;

export class PullRequestTargets {
  readonly #entries = new BoundedMap<readonly PullRequestTarget[]>(MAX_ENTRIES);

  get(scope: string, pullRequestId: string): readonly PullRequestTarget[] | undefined {
    return this.#entries.get(`${scope}\u0000${pullRequestId}`);
  }

  set(scope: string, pullRequestId: string, targets: readonly PullRequestTarget[]): void {
    this.#entries.set(`${scope}\u0000${pullRequestId}`, targets);
  }

  clear(): void {
    this.#entries.clear();
  }
}

/** The container's cache, shared by every call. */
export const PULL_REQUEST_TARGETS = new PullRequestTargets();
