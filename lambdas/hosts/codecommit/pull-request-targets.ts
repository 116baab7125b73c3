import { BoundedMap } from '../bounded-map';

/**
 * The source and destination branches of CodeCommit pull requests already known, per endpoint,
 * region, access key and repository. A pull request's targets never change after it is made (only
 * its status does, and ListPullRequests answers that afresh on every call), so a warm container
 * learns each open pull request once instead of on every create. Keyed by access key: what one
 * credential read never counts as read by another. Bounded; the oldest entries go first.
 */
export interface PullRequestTarget {
  readonly repository: string | undefined;
  readonly source: string | undefined;
  readonly destination: string | undefined;
}

/**
 * `read`: this credential's own GetPullRequest (or CreatePullRequest) said so. `recorded`: the
 * integration's shared record said so (pull-request-facts.ts); enough to skip a pull request for
 * other branches, but a duplicate found there is read once more before a create is refused.
 */
export interface KnownTargets {
  readonly targets: readonly PullRequestTarget[];
  readonly source: 'read' | 'recorded';
}

const MAX_ENTRIES = 50_000;

export class PullRequestTargets {
  readonly #entries = new BoundedMap<KnownTargets>(MAX_ENTRIES);

  get(scope: string, pullRequestId: string): KnownTargets | undefined {
    return this.#entries.get(`${scope}\u0000${pullRequestId}`);
  }

  set(scope: string, pullRequestId: string, known: KnownTargets): void {
    this.#entries.set(`${scope}\u0000${pullRequestId}`, known);
  }

  clear(): void {
    this.#entries.clear();
  }
}

/** The container's cache, shared by every call. */
export const PULL_REQUEST_TARGETS = new PullRequestTargets();
