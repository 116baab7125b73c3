import { QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { epochSeconds, type Clock } from '../domain/clock';
import type { KnownPullRequest, PullRequestFact, PullRequestFacts, PullRequestFactsScope } from '../hosts/codecommit/pull-request-facts';
import type { PullRequestTarget } from '../hosts/codecommit/pull-request-targets';
import { pullRequestFactSkPrefix, tenantPk } from './keys';
import { tenantInstalled } from './tenant-guard';

/** A fact lives 30 days after it was last written; DynamoDB's TTL then deletes it (a closed pull request's first). */
export const PULL_REQUEST_FACT_TTL_SECONDS = 30 * 24 * 3600;
/** A fact read back this long after its last write is written again, so an open pull request's never expires. */
export const PULL_REQUEST_FACT_REFRESH_SECONDS = 7 * 24 * 3600;

/** Puts per transaction: DynamoDB's 100 actions, one of them the tenant check. */
const PUTS_PER_TRANSACTION = 99;
const TRANSACTIONS_IN_FLIGHT = 4;

const textOrAbsent = (value: unknown): value is string | undefined => value === undefined || typeof value === 'string';

/** The stored targets, or undefined when the item is not what this store writes (then the fact counts as unknown). */
const targetsOf = (value: unknown): PullRequestTarget[] | undefined => {
  if (!Array.isArray(value)) return undefined;
  const targets: PullRequestTarget[] = [];
  for (const entry of value as unknown[]) {
    if (typeof entry !== 'object' || entry === null) return undefined;
    const { repository, source, destination } = entry as Record<string, unknown>;
    if (!textOrAbsent(repository) || !textOrAbsent(source) || !textOrAbsent(destination)) return undefined;
    targets.push({ repository, source, destination });
  }
  return targets;
};

/**
 * CodeCommit pull requests' branches, recorded once for every container (the CodeCommit adapter's
 * `PullRequestFacts` port): one item per pull request in the tenant's partition, under the
 * integration, region and repository, so one tenant never reads another's and an uninstall deletes
 * them with the tenant. A repository's facts are read back with one Query (CodeCommit allows at most
 * 1,000 open pull requests, a few hundred bytes each: one page, with room for recently closed ones).
 * Every write is a transaction with the tenant check, as every tenant write is (tenant-guard.ts):
 * nothing is recorded for an uninstalled site. An integration's deletion job removes its facts
 * (lambdas/deletion/deletion-worker.ts).
 */
export class PullRequestFactsStore implements PullRequestFacts {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async get(scope: PullRequestFactsScope, pullRequestIds: readonly string[]): Promise<ReadonlyMap<string, KnownPullRequest>> {
    const wanted = new Set(pullRequestIds);
    const prefix = pullRequestFactSkPrefix(scope.integrationId, scope.region, scope.repository);
    const refreshBefore = epochSeconds(this.clock) - PULL_REQUEST_FACT_REFRESH_SECONDS;
    const known = new Map<string, KnownPullRequest>();
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: { ':pk': tenantPk(scope.tenant), ':prefix': prefix },
          ProjectionExpression: 'SK, targets, seenAt',
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        const id = String(item.SK).slice(prefix.length);
        const targets = targetsOf(item.targets);
        if (!wanted.has(id) || !targets) continue;
        known.set(id, { targets, refreshDue: !(typeof item.seenAt === 'number' && item.seenAt >= refreshBefore) });
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return known;
  }

  /** Writes each fact with a fresh expiry, 99 to a transaction (with the tenant check). */
  async put(scope: PullRequestFactsScope, facts: readonly PullRequestFact[]): Promise<void> {
    const seenAt = epochSeconds(this.clock);
    const prefix = pullRequestFactSkPrefix(scope.integrationId, scope.region, scope.repository);
    // One item per id (a transaction may not name a key twice); the last fact wins.
    const byId = new Map(facts.map((fact) => [fact.pullRequestId, fact]));
    const puts = [...byId.values()].map((fact) => ({
      Put: {
        TableName: this.tableName,
        Item: {
          PK: tenantPk(scope.tenant),
          SK: `${prefix}${fact.pullRequestId}`,
          type: 'pull-request-fact',
          targets: fact.targets.map((t) => ({ repository: t.repository, source: t.source, destination: t.destination })),
          seenAt,
          ttl: seenAt + PULL_REQUEST_FACT_TTL_SECONDS,
        },
      },
    }));
    const transactions: (typeof puts)[] = [];
    for (let i = 0; i < puts.length; i += PUTS_PER_TRANSACTION) transactions.push(puts.slice(i, i + PUTS_PER_TRANSACTION));
    for (let i = 0; i < transactions.length; i += TRANSACTIONS_IN_FLIGHT) {
      await Promise.all(
        transactions
          .slice(i, i + TRANSACTIONS_IN_FLIGHT)
          .map((items) => this.db.send(new TransactWriteCommand({ TransactItems: [tenantInstalled(this.tableName, scope.tenant), ...items] }))),
      );
    }
  }
}
