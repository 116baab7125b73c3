import { logger } from '../../observability/logger';
import type { KnownPullRequest, PullRequestFact, PullRequestFacts, PullRequestFactsScope } from './pull-request-facts';

const NOTHING_KNOWN: ReadonlyMap<string, KnownPullRequest> = new Map();

const errorName = (error: unknown): string => (error instanceof Error ? error.name : typeof error);

/**
 * The shared record of one integration's repository, as a create uses it: a cache, so a failure to
 * read it counts as "nothing known" (CodeCommit is asked instead) and a failure to write it is only
 * logged. Either way the action goes on.
 */
export class SharedPullRequestFacts {
  constructor(
    private readonly facts: PullRequestFacts,
    private readonly scope: PullRequestFactsScope,
  ) {}

  async get(pullRequestIds: readonly string[]): Promise<ReadonlyMap<string, KnownPullRequest>> {
    if (pullRequestIds.length === 0) return NOTHING_KNOWN;
    try {
      return await this.facts.get(this.scope, pullRequestIds);
    } catch (error) {
      logger.warn('CodeCommit pull request facts not read; asking CodeCommit instead', { error: errorName(error) });
      return NOTHING_KNOWN;
    }
  }

  async put(facts: readonly PullRequestFact[]): Promise<void> {
    if (facts.length === 0) return;
    try {
      await this.facts.put(this.scope, facts);
    } catch (error) {
      logger.warn('CodeCommit pull request facts not recorded', { error: errorName(error), count: facts.length });
    }
  }
}
