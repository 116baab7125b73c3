import { BatchWriteCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { epochSeconds, type Clock } from '../domain/clock';
import type { KnownPullRequest, PullRequestFact, PullRequestFacts, PullRequestFactsScope } from '../hosts/codecommit/pull-request-facts';
import type { PullRequestTarget } from '../hosts/codecommit/pull-request-targets';
import { pullRequestFactSkPrefix, tenantPk } from './keys';

/** A fact lives 30 days after it was last written; DynamoDB's TTL then deletes it (a closed pull request's first). */
export const PULL_REQUEST_FACT_TTL_SECONDS = 30 * 24 * 3600;
/** A fact read back this long after its last write is written again, so an open pull request's never expires. */
export const PULL_REQUEST_FACT_REFRESH_SECONDS = 7 * 24 * 3600;

const BATCH_WRITE_LIMIT = 25;
const WRITES_IN_FLIGHT = 4;
const WRITE_ATTEMPTS = 4;

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

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

type WriteRequests = Record<string, { PutRequest: { Item: Record<string, unknown> } }[]>;

/**
 * CodeCommit pull requests' branches, recorded once for every container (the CodeCommit adapter's
 * `PullRequestFacts` port): one item per pull request in the tenant's partition, under the
 * integration, region and repository, so one tenant never reads another's and an uninstall deletes
 * them with the tenant. A repository's facts are read back with one Query (CodeCommit allows at most
 * 1,000 open pull requests, a few hundred bytes each: one page, with room for recently closed ones).
 * Items a deleted integration leaves behind expire with their TTL.
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

  /** Writes each fact with a fresh expiry: PutItem for one, BatchWriteItem (25 a request) for more. */
  async put(scope: PullRequestFactsScope, facts: readonly PullRequestFact[]): Promise<void> {
    const seenAt = epochSeconds(this.clock);
    const prefix = pullRequestFactSkPrefix(scope.integrationId, scope.region, scope.repository);
    // One item per id (BatchWriteItem refuses a request naming a key twice); the last fact wins.
    const byId = new Map(facts.map((fact) => [fact.pullRequestId, fact]));
    const items = [...byId.values()].map((fact) => ({
      PK: tenantPk(scope.tenant),
      SK: `${prefix}${fact.pullRequestId}`,
      type: 'pull-request-fact',
      targets: fact.targets.map((t) => ({ repository: t.repository, source: t.source, destination: t.destination })),
      seenAt,
      ttl: seenAt + PULL_REQUEST_FACT_TTL_SECONDS,
    }));
    const [only] = items;
    if (items.length === 1 && only) {
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: only }));
      return;
    }
    const batches: WriteRequests[] = [];
    for (let i = 0; i < items.length; i += BATCH_WRITE_LIMIT) {
      batches.push({ [this.tableName]: items.slice(i, i + BATCH_WRITE_LIMIT).map((Item) => ({ PutRequest: { Item } })) });
    }
    for (let i = 0; i < batches.length; i += WRITES_IN_FLIGHT) {
      await Promise.all(batches.slice(i, i + WRITES_IN_FLIGHT).map((batch) => this.#write(batch)));
    }
  }

  async #write(batch: WriteRequests): Promise<void> {
    let pending: WriteRequests | undefined = batch;
    for (let attempt = 0; pending && Object.keys(pending).length > 0; attempt += 1) {
      if (attempt === WRITE_ATTEMPTS) throw new Error(`DynamoDB left pull request facts unprocessed after ${WRITE_ATTEMPTS} attempts`);
      if (attempt > 0) await pause(50 * 2 ** attempt);
      pending = (await this.db.send(new BatchWriteCommand({ RequestItems: pending }))).UnprocessedItems as WriteRequests | undefined;
    }
  }
}
