import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../lambdas/domain/clock';
import { createTokenExpiryChecker } from '../../lambdas/expiry/create-token-expiry-checker';
import { MemoryEventSink } from '../support/memory-event-sink';
import type { ProviderLookup } from '../../lambdas/hosts/provider-registry';
import { LOCAL_AWS_CREDENTIALS } from '../../local/dynamodb-local';
import { createTable } from '../../local/create-table';
import { IntegrationStore } from '../../lambdas/store/integration-store';
import { localVault } from '../../local/local-encryption-key';
import { tokenItem } from '../expiry/expiry-fixtures';
import { DynamoRequestCounter } from './dynamo-request-counter';
import { runAlone } from './run-alone';

export interface ExpiryScalingRow {
  readonly totalTokens: number;
  readonly inWindow: number;
  /** Items written before this run (the growth since the last size, and the window afresh). */
  readonly seededItems: number;
  readonly seedMs: number;
  readonly runMs: number;
  /** Items DynamoDB read for the run (the checker's ScannedCount sum). */
  readonly itemsRead: number;
  readonly queries: number;
  readonly scans: number;
  readonly writes: number;
  readonly marked: number;
  readonly events: number;
}

const NOW = new Date('2030-03-10T12:00:00.000Z');
const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const at = (offsetMs: number): string => new Date(NOW.getTime() + offsetMs).toISOString();

const noHostCalls: ProviderLookup = () => {
  throw new Error('no seeded token needs its host');
};

/** Tokens in the checker's window: a fifth expired within the last 30 h, the rest expiring within 7 days. */
const windowTokens = (count: number): Record<string, unknown>[] =>
  Array.from({ length: count }, (_, i) => {
    const expiresAt = i % 5 === 0 ? at(-((i % 30) + 1) * HOUR + 60_000) : at((((i * 7919) % (7 * 24 * 60 - 1)) + 1) * 60_000);
    return tokenItem({ accountId: `window-${i}`, expiresAt });
  });

/**
 * Tokens the checker must not read: the rest of the window's last day, later expiries, long-expired
 * tokens, and tokens without an expiry due for re-verification tomorrow.
 */
const otherTokens = (from: number, to: number): Record<string, unknown>[] =>
  Array.from({ length: Math.max(0, to - from) }, (_, n) => {
    const i = from + n;
    const accountId = `other-${i}`;
    const kind = i % 20;
    if (kind === 0) return tokenItem({ accountId, expiresAt: at(7 * DAY + ((i % 700) + 1) * 60_000) });
    if (kind < 13) return tokenItem({ accountId, expiresAt: at((8 + (i % 358)) * DAY) });
    if (kind < 17) return tokenItem({ accountId, expiresAt: at(-(2 + (i % 58)) * DAY), status: 'expired', version: 2 });
    return tokenItem({ accountId, integrationId: 'int-ado', reverifyDay: '2030-03-11' });
  });

/** Parallel BatchWriteItem, 25 items each, unprocessed items sent again. */
const seed = async (db: DynamoDBDocumentClient, tableName: string, items: readonly Record<string, unknown>[], concurrency = 16): Promise<void> => {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      let pending = items.slice(next, next + 25).map((Item) => ({ PutRequest: { Item } }));
      next += 25;
      while (pending.length > 0) {
        const out = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
        pending = (out.UnprocessedItems?.[tableName] ?? []) as typeof pending;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
};

/** One table that grows from size to size; before each run the window's tokens are written afresh, unmarked. */
class GrowingTable {
  readonly tableName = `patgate-bench-expiry-${randomUUID()}`;
  #others = 0;

  constructor(
    private readonly client: DynamoDBClient,
    readonly db: DynamoDBDocumentClient,
  ) {}

  create(): Promise<void> {
    return createTable(this.client, this.tableName);
  }

  /** Grows to `total` tokens, `inWindow` of them in the window. */
  async growTo(total: number, inWindow: number): Promise<{ inWindow: number; written: number }> {
    // In chunks, so 1M tokens never sit in memory at once.
    const CHUNK = 50_000;
    let written = 0;
    for (let from = this.#others; from < total - inWindow; from += CHUNK) {
      const items = otherTokens(from, Math.min(from + CHUNK, total - inWindow));
      await seed(this.db, this.tableName, items);
      written += items.length;
    }
    await seed(this.db, this.tableName, windowTokens(inWindow));
    this.#others = total - inWindow;
    return { inWindow, written: written + inWindow };
  }
}

const runChecker = async (table: GrowingTable, counter: DynamoRequestCounter) => {
  const clock: Clock = { now: () => new Date(NOW) };
  const sink = new MemoryEventSink();
  const { db, tableName } = table;
  const checker = createTokenExpiryChecker({ config: { tableName }, db, clock, vault: localVault(randomBytes(32)), integrationStore: new IntegrationStore(db, tableName), providers: noHostCalls }, sink);
  counter.take();
  const started = performance.now();
  const summary = await checker.run({ budgetMs: 10 * 60_000 });
  const runMs = performance.now() - started;
  const { requests } = counter.take();
  const count = (operation: string): number => requests.filter((r) => r.operation === operation).length;
  return {
    runMs,
    itemsRead: summary.itemsRead,
    queries: count('Query'),
    scans: count('Scan'),
    writes: count('UpdateItem') + count('PutItem'),
    marked: summary.markedExpired + summary.markedExpiring,
    events: sink.events.length,
  };
};

/** The window the checker must read, held while the table grows (issue 16: 100 tokens, 10k to 1M). */
export const EXPIRY_WINDOW_TOKENS = 100;

/** Table sizes of the default run; `npm run bench -- --scale` adds 1M (seeding it locally takes minutes). */
export const EXPIRY_DEFAULT_SIZES: readonly number[] = [10_000, 50_000, 100_000];
export const EXPIRY_SCALE_SIZES: readonly number[] = [...EXPIRY_DEFAULT_SIZES, 1_000_000];

/**
 * Benchmark 5: what one checker run reads, and how long it takes, as the table grows around a window
 * held at 100 tokens: the items read must stay 100 whatever the table holds. Seeding (parallel
 * BatchWriteItem) is timed apart: it is the slow part locally.
 */
export const measureExpiryScaling = async (endpoint: string, totals: readonly number[] = EXPIRY_DEFAULT_SIZES, inWindow = EXPIRY_WINDOW_TOKENS): Promise<ExpiryScalingRow[]> => {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_AWS_CREDENTIALS });
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const counter = new DynamoRequestCounter();
  counter.attach(db);
  try {
    const table = new GrowingTable(client, db);
    await table.create();
    const rows: ExpiryScalingRow[] = [];
    for (const total of [...totals].sort((a, b) => a - b)) {
      const seedStarted = performance.now();
      const { written } = await table.growTo(total, inWindow);
      const seedMs = performance.now() - seedStarted;
      rows.push({ totalTokens: total, inWindow, seededItems: written, seedMs, ...(await runChecker(table, counter)) });
    }
    return rows;
  } finally {
    client.destroy();
  }
};

/** Standalone: `npx tsx test/bench/expiry-scaling.ts [--scale]` (starts its own DynamoDB Local). */
/** The checker read more than its window, or scanned: one line each. */
export const expiryFailures = (rows: readonly ExpiryScalingRow[]): string[] =>
  rows.flatMap((r) => [
    ...(r.itemsRead !== r.inWindow ? [`expiry checker at ${r.totalTokens} tokens read ${r.itemsRead} items for ${r.inWindow} in its window`] : []),
    ...(r.scans > 0 ? [`expiry checker at ${r.totalTokens} tokens sent ${r.scans} Scans`] : []),
  ]);

if (require.main === module) {
  runAlone(async (endpoint) => {
    const rows = await measureExpiryScaling(endpoint, process.argv.includes('--scale') ? EXPIRY_SCALE_SIZES : EXPIRY_DEFAULT_SIZES);
    const { reportTables } = await import('./report-tables');
    return { tables: [reportTables.expiry(rows)], failures: expiryFailures(rows) };
  });
}
