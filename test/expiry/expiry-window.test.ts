import { randomBytes } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { ProviderLookup } from '../../lambdas/hosts/provider-registry';
import { ExpiryTokenStore } from '../../lambdas/expiry/expiry-token-store';
import { MemoryEventSink } from '../support/memory-event-sink';
import { TokenExpiryChecker } from '../../lambdas/expiry/token-expiry-checker';
import { IntegrationStore } from '../../lambdas/store/integration-store';
import { tokenSk, userPk } from '../../lambdas/store/keys';
import { localVault } from '../../local/local-encryption-key';
import { createTestTable, DAY_MS, HOUR_MS, ManualClock, seedItems, tokenItem, type TestTable } from './expiry-fixtures';
import { budgetForItems } from '../support/work-budget';

const NOW = new Date('2030-03-10T12:00:00.000Z');
const at = (offsetMs: number): string => new Date(NOW.getTime() + offsetMs).toISOString();

const noHostCalls: ProviderLookup = () => {
  throw new Error('no token in this table needs its host');
};

/**
 * 20,000 tokens; 200 expire in the checker's window (50 already expired, 150 within 7 days). The rest:
 * later expiries, tokens of the last window day beyond now + 7 days (from + 1 h), long-expired tokens, and tokens
 * re-verified tomorrow.
 */
const seedTwentyThousand = (): Record<string, unknown>[] => {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < 50; i += 1) items.push(tokenItem({ accountId: `expired-${i}`, expiresAt: at(-(i + 1) * 30 * 60 * 1000) }));
  for (let i = 0; i < 150; i += 1) items.push(tokenItem({ accountId: `expiring-${i}`, expiresAt: at((i + 1) * HOUR_MS) }));
  for (let i = 0; i < 12_000; i += 1) items.push(tokenItem({ accountId: `later-${i}`, expiresAt: at((8 + (i % 358)) * DAY_MS + HOUR_MS) }));
  for (let i = 0; i < 300; i += 1) items.push(tokenItem({ accountId: `edge-${i}`, expiresAt: at(7 * DAY_MS + HOUR_MS + (i + 1) * 60 * 1000) }));
  for (let i = 0; i < 2_000; i += 1) items.push(tokenItem({ accountId: `old-${i}`, expiresAt: at(-(2 + (i % 58)) * DAY_MS), status: 'expired', version: 2 }));
  for (let i = 0; i < 5_500; i += 1) items.push(tokenItem({ accountId: `ado-${i}`, integrationId: 'int-ado', reverifyDay: '2030-03-11' }));
  return items;
};

describe('token-expiry checker over 20,000 tokens', () => {
  let table: TestTable;
  let clock: ManualClock;
  let sink: MemoryEventSink;
  let checker: TokenExpiryChecker;
  let seededMs = 0;

  beforeAll(async () => {
    table = await createTestTable();
    const started = Date.now();
    await seedItems(table, seedTwentyThousand());
    seededMs = Date.now() - started;
    clock = new ManualClock(NOW);
    sink = new MemoryEventSink();
    checker = new TokenExpiryChecker({
      tokens: new ExpiryTokenStore(table.db, table.tableName),
      integrations: new IntegrationStore(table.db, table.tableName),
      vault: localVault(randomBytes(32)),
      providers: noHostCalls,
      sink,
      clock,
    });
  }, budgetForItems(20_000));

  afterAll(() => table.destroy());

  const statusOf = async (accountId: string, integrationId = 'int-github'): Promise<Record<string, unknown> | undefined> =>
    (await table.db.send(new GetCommand({ TableName: table.tableName, Key: { PK: userPk('tenant-a', accountId), SK: tokenSk(integrationId) } }))).Item;

  it('reads only the 200 tokens of its window, marks them and emits one event each', async () => {
    table.reads.reset();
    const started = Date.now();
    const summary = await checker.run({ budgetMs: 60_000 });
    const runMs = Date.now() - started;
    console.log(`20k seed ${seededMs} ms; first run ${runMs} ms; ${JSON.stringify(summary)}; ${table.reads.queries} queries`);

    expect(table.reads.scans).toBe(0);
    expect(summary.itemsRead).toBe(table.reads.itemsReturned);
    expect(summary.itemsRead).toBeGreaterThanOrEqual(200);
    expect(summary.itemsRead).toBeLessThanOrEqual(210);
    expect(summary).toMatchObject({ examined: 200, markedExpired: 50, markedExpiring: 150, markedInvalid: 0, reverified: 0, deferred: 0, budgetExhausted: false });

    expect(sink.events).toHaveLength(200);
    const keys = sink.events.map((e) => e.detail.accountId);
    expect(new Set(keys).size).toBe(200);
    const expired = sink.events.filter((e) => e.detailType === 'Token Expired').map((e) => e.detail.accountId);
    expect(expired.sort()).toEqual(Array.from({ length: 50 }, (_, i) => `expired-${i}`).sort());
    expect(sink.events.filter((e) => e.detailType === 'Token Expiring').every((e) => e.detail.accountId.startsWith('expiring-'))).toBe(true);
    expect(sink.events[0]?.detail).toEqual({ tenant: 'tenant-a', integrationId: 'int-github', accountId: expect.any(String), expiresAt: expect.any(String) });
    expect(JSON.stringify(sink.events)).not.toMatch(/abcd|ciphertext|AYADeJ/);

    expect(await statusOf('expired-49')).toMatchObject({ status: 'expired', version: 2, statusChangedAt: NOW.toISOString() });
    expect(await statusOf('expiring-0')).toMatchObject({ status: 'expiring', version: 2 });
    expect((await statusOf('expiring-0'))?.eventPendingFor).toBeUndefined();
    expect(await statusOf('edge-0')).toMatchObject({ status: 'valid', version: 1 });
    expect(await statusOf('later-0')).toMatchObject({ status: 'valid', version: 1 });
  });

  it('a second run in the same hour emits nothing new', async () => {
    clock.advance(20 * 60 * 1000);
    const summary = await checker.run({ budgetMs: 60_000 });
    expect(sink.events).toHaveLength(200);
    expect(summary).toMatchObject({ examined: 200, markedExpired: 0, markedExpiring: 0, deferred: 0 });
    expect(summary.itemsRead).toBeLessThanOrEqual(210);
  });

  it('hours later, tokens that passed expiry emit Token Expired once, and the window moves on', async () => {
    clock.advance(100 * 60 * 1000); // now + 2 h
    const before = sink.events.length;
    const summary = await checker.run({ budgetMs: 60_000 });
    const fresh = sink.events.slice(before);
    // expiring-0 and -1 expire (now + 1 h, + 2 h); the 60 edge tokens up to now + 7 d + 2 h enter the window.
    expect(fresh.filter((e) => e.detailType === 'Token Expired').map((e) => e.detail.accountId).sort()).toEqual(['expiring-0', 'expiring-1']);
    expect(fresh.filter((e) => e.detailType === 'Token Expiring')).toHaveLength(60);
    expect(summary).toMatchObject({ markedExpired: 2, markedExpiring: 60 });
    expect(await statusOf('expiring-1')).toMatchObject({ status: 'expired', version: 3 });

    const again = await checker.run({ budgetMs: 60_000 });
    expect(sink.events.length).toBe(before + 62);
    expect(again).toMatchObject({ markedExpired: 0, markedExpiring: 0 });
  });
});
