import { randomUUID } from 'node:crypto';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../../lambdas/domain/records';
import { systemClock } from '../../lambdas/domain/clock';
import { AuditStore, auditItems, type AuditQuery } from '../../lambdas/store/audit-store';
import { createDocumentClient } from '../../lambdas/store/dynamo-client';
import { createTable } from '../../local/create-table';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_AWS_CREDENTIALS } from '../../local/dynamodb-local';
import { DynamoRequestCounter } from './dynamo-request-counter';
import { formatTable } from './format-table';

export interface AuditPageRow {
  readonly filter: string;
  readonly entriesInPartition: number;
  readonly matching: number;
  readonly returned: number;
  readonly queries: number;
  readonly scans: number;
}

/** Issue 16: a filtered audit page costs one Query, however rare the match in the partition. */
export const AUDIT_PAGE_QUERY_TARGET = 1;

const ENTRIES = 5_000;
const INTEGRATIONS = 20;
const ACTORS = 50;
const PAGE = 25;

/**
 * Benchmark: one page (25) of a tenant's audit with 5,000 entries, by each filter the admin page
 * offers, through the real AuditStore on DynamoDB Local; the Queries it sends are counted on the
 * client. The rare filter (one integration and one actor) matches 5 entries spread across the partition.
 */
export const measureAuditPage = async (endpoint: string): Promise<AuditPageRow[]> => {
  const tableName = `patgate-bench-audit-${randomUUID()}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_AWS_CREDENTIALS });
  const db = createDocumentClient({ region: 'us-east-1', endpoint });
  const counter = new DynamoRequestCounter();
  counter.attach(db);
  try {
    await createTable(client, tableName);
    const tenant = 'bench-audit-site';
    const start = Date.parse('2030-01-01T00:00:00.000Z');
    const entries: AuditEntry[] = Array.from({ length: ENTRIES }, (_, i) => ({
      id: randomUUID(),
      at: new Date(start + i * 60_000).toISOString(),
      // The rare pair: integration int-rare by actor rare-actor, 5 entries at even spacing.
      actorAccountId: i % 1000 === 500 ? 'rare-actor' : `actor-${i % ACTORS}`,
      action: 'create-branch',
      integrationId: i % 1000 === 500 ? 'int-rare' : `int-${i % INTEGRATIONS}`,
      outcome: 'success',
    }));
    const items = entries.flatMap((entry) => auditItems(tenant, entry));
    const seedOne = async (batch: Record<string, unknown>[]): Promise<void> => {
      let pending = batch.map((Item) => ({ PutRequest: { Item } }));
      while (pending.length > 0) {
        const out = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
        pending = (out.UnprocessedItems?.[tableName] ?? []) as typeof pending;
      }
    };
    const batches: Record<string, unknown>[][] = [];
    for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
    for (let i = 0; i < batches.length; i += 16) await Promise.all(batches.slice(i, i + 16).map(seedOne));

    const store = new AuditStore(db, tableName, systemClock);
    const cases: [string, Omit<AuditQuery, 'limit'>, number][] = [
      ['none', {}, ENTRIES],
      ['integration', { integrationId: 'int-3' }, entries.filter((e) => e.integrationId === 'int-3').length],
      ['actor', { accountId: 'actor-7' }, entries.filter((e) => e.actorAccountId === 'actor-7').length],
      ['integration + actor (rare: 5 of 5,000)', { integrationId: 'int-rare', accountId: 'rare-actor' }, 5],
    ];
    const rows: AuditPageRow[] = [];
    for (const [filter, query, matching] of cases) {
      counter.take();
      const page = await store.list(tenant, { ...query, limit: PAGE });
      const { requests } = counter.take();
      rows.push({
        filter,
        entriesInPartition: ENTRIES,
        matching,
        returned: page.entries.length,
        queries: requests.filter((r) => r.operation === 'Query').length,
        scans: requests.filter((r) => r.operation === 'Scan').length,
      });
    }
    return rows;
  } finally {
    db.destroy();
    client.destroy();
  }
};

export const auditPageFailures = (rows: readonly AuditPageRow[]): string[] =>
  rows.flatMap((r) => [
    ...(r.queries > AUDIT_PAGE_QUERY_TARGET || r.scans > 0 ? [`audit page filtered by ${r.filter}: ${r.queries} Queries, ${r.scans} Scans (target ${AUDIT_PAGE_QUERY_TARGET} Query)`] : []),
    ...(r.returned !== Math.min(PAGE, r.matching) ? [`audit page filtered by ${r.filter}: ${r.returned} entries, expected ${Math.min(PAGE, r.matching)}`] : []),
  ]);

export const auditPageTable = (rows: readonly AuditPageRow[]): string =>
  formatTable(
    `8. Audit page (${PAGE} entries) on a ${ENTRIES.toLocaleString('en-US')}-entry partition, by filter (AuditStore on DynamoDB Local; target ${AUDIT_PAGE_QUERY_TARGET} Query whatever the filter)`,
    ['filter', 'matching entries', 'returned', 'Queries', 'Scans'],
    rows.map((r) => [r.filter, r.matching, r.returned, r.queries, r.scans]),
  );
