import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ProviderLookup } from '../../lambdas/hosts/provider-registry';
import { ExpiryTokenStore } from '../../lambdas/expiry/expiry-token-store';
import { ServiceCredentialExpiryStore } from '../../lambdas/expiry/service-credential-expiry-store';
import { MemoryEventSink } from '../support/memory-event-sink';
import { TokenExpiryChecker } from '../../lambdas/expiry/token-expiry-checker';
import { IntegrationStore } from '../../lambdas/store/integration-store';
import { tokenSk, userPk } from '../../lambdas/store/keys';
import { localVault } from '../../local/local-encryption-key';
import { createTestTable, DAY_MS, HOUR_MS, ManualClock, seedItems, tokenItem, type TestTable } from './expiry-fixtures';

const NOW = new Date('2031-06-01T09:00:00.000Z');
const at = (offsetMs: number): string => new Date(NOW.getTime() + offsetMs).toISOString();

const noHostCalls: ProviderLookup = () => {
  throw new Error('no token here needs its host');
};

const seedWindow = async (table: TestTable, tenant: string, count: number): Promise<void> => {
  const items = Array.from({ length: count }, (_, i) =>
    tokenItem({ tenant, accountId: `user-${i}`, expiresAt: i % 3 === 0 ? at(-(i + 1) * 60 * 1000) : at((i + 1) * HOUR_MS) }),
  );
  await seedItems(table, items);
};

const itemOf = async (table: TestTable, tenant: string, accountId: string): Promise<Record<string, unknown>> =>
  (await table.db.send(new GetCommand({ TableName: table.tableName, Key: { PK: userPk(tenant, accountId), SK: tokenSk('int-github') } }))).Item ?? {};

const tenantEvents = (sink: MemoryEventSink, tenant: string) => sink.events.filter((e) => e.detail.tenant === tenant);

describe('a run stopped by its budget or by a refused event', () => {
  let table: TestTable;

  // A table per test: a run reads every tenant's tokens in its window.
  beforeEach(async () => {
    table = await createTestTable();
  });

  afterEach(() => table.destroy());

  const checkerFor = (clock: ManualClock, sink: MemoryEventSink, withServiceCredentials = false): TokenExpiryChecker =>
    new TokenExpiryChecker({
      tokens: new ExpiryTokenStore(table.db, table.tableName),
      ...(withServiceCredentials ? { serviceCredentials: new ServiceCredentialExpiryStore(table.db, table.tableName) } : {}),
      integrations: new IntegrationStore(table.db, table.tableName),
      vault: localVault(randomBytes(32)),
      providers: noHostCalls,
      sink,
      clock,
    });

  /** Every token is either untouched, or changed with exactly one event and no event left pending. */
  const expectNothingHalfDone = async (tenant: string, count: number, sink: MemoryEventSink): Promise<void> => {
    for (let i = 0; i < count; i += 1) {
      const item = await itemOf(table, tenant, `user-${i}`);
      const events = tenantEvents(sink, tenant).filter((e) => e.detail.accountId === `user-${i}`);
      expect(item.eventPendingFor).toBeUndefined();
      if (item.status === 'valid') expect(events).toHaveLength(0);
      else expect(events).toHaveLength(1);
    }
  };

  it('budget runs out → no token half-done → the next run finishes the rest, no event lost or repeated', async () => {
    const tenant = 'tenant-budget';
    await seedWindow(table, tenant, 40);
    const clock = new ManualClock(NOW);
    const sink = new MemoryEventSink();
    // Each accepted event takes a second of the run's budget.
    sink.onEmit(() => clock.advance(1000));
    const checker = checkerFor(clock, sink);

    const first = await checker.run({ budgetMs: 15_000 });
    expect(first.budgetExhausted).toBe(true);
    const firstEvents = tenantEvents(sink, tenant).length;
    // Work already started when time ran out finishes: at most `concurrency` (10) beyond the budget.
    expect(firstEvents).toBeGreaterThanOrEqual(15);
    expect(firstEvents).toBeLessThan(40);
    expect(first.markedExpired + first.markedExpiring).toBe(firstEvents);
    await expectNothingHalfDone(tenant, 40, sink);

    const second = await checker.run({ budgetMs: 600_000 });
    expect(second.budgetExhausted).toBe(false);
    expect(second.markedExpired + second.markedExpiring).toBe(40 - firstEvents);
    const events = tenantEvents(sink, tenant);
    expect(events).toHaveLength(40);
    expect(new Set(events.map((e) => e.detail.accountId)).size).toBe(40);
    expect(events.filter((e) => e.detailType === 'Token Expired')).toHaveLength(14);
    await expectNothingHalfDone(tenant, 40, sink);
  });

  it('a budget spent before the run starts does nothing and says so', async () => {
    const tenant = 'tenant-no-time';
    await seedWindow(table, tenant, 3);
    const sink = new MemoryEventSink();
    const summary = await checkerFor(new ManualClock(NOW), sink, true).run({ budgetMs: 0 });
    expect(summary).toEqual({ examined: 0, markedExpiring: 0, markedExpired: 0, markedInvalid: 0, reverified: 0, serviceCredentialWarnings: 0, deferred: 0, itemsRead: 0, budgetExhausted: true });
    expect(sink.events).toHaveLength(0);
  });

  it('refused events stay pending on their tokens and the next run emits them once', async () => {
    const tenant = 'tenant-refused';
    await seedWindow(table, tenant, 30);
    const clock = new ManualClock(NOW);
    const sink = new MemoryEventSink();
    const checker = checkerFor(clock, sink);
    sink.refuseNext(5);

    const first = await checker.run({ budgetMs: 60_000 });
    expect(first.markedExpired + first.markedExpiring).toBe(30);
    expect(first.deferred).toBe(5);
    expect(tenantEvents(sink, tenant)).toHaveLength(25);
    const pending = [];
    for (let i = 0; i < 30; i += 1) {
      const item = await itemOf(table, tenant, `user-${i}`);
      if (item.eventPendingFor) pending.push(item);
    }
    expect(pending).toHaveLength(5);
    // The status is written first: the owed event is exactly the one for the new status.
    for (const item of pending) expect(item.eventPendingFor).toBe(item.status === 'expired' ? 'Token Expired' : 'Token Expiring');

    clock.advance(10 * 60 * 1000);
    const second = await checker.run({ budgetMs: 60_000 });
    expect(second).toMatchObject({ markedExpired: 0, markedExpiring: 0, deferred: 0 });
    const events = tenantEvents(sink, tenant);
    expect(events).toHaveLength(30);
    expect(new Set(events.map((e) => e.detail.accountId)).size).toBe(30);
    await expectNothingHalfDone(tenant, 30, sink);

    await checker.run({ budgetMs: 60_000 });
    expect(tenantEvents(sink, tenant)).toHaveLength(30);
  });

  it('an expiring event still owed when the token expires is emitted before the expired one', async () => {
    const tenant = 'tenant-late';
    await seedItems(table, [tokenItem({ tenant, accountId: 'user-0', expiresAt: at(2 * HOUR_MS) })]);
    const clock = new ManualClock(NOW);
    const sink = new MemoryEventSink();
    const checker = checkerFor(clock, sink);
    sink.refuseNext(1);
    await checker.run({ budgetMs: 60_000 });
    expect(await itemOf(table, tenant, 'user-0')).toMatchObject({ status: 'expiring', eventPendingFor: 'Token Expiring' });

    clock.advance(3 * HOUR_MS);
    const summary = await checker.run({ budgetMs: 60_000 });
    expect(summary.markedExpired).toBe(1);
    expect(tenantEvents(sink, tenant).map((e) => e.detailType)).toEqual(['Token Expiring', 'Token Expired']);
    expect(await itemOf(table, tenant, 'user-0')).toMatchObject({ status: 'expired', version: 3 });
    expect((await itemOf(table, tenant, 'user-0')).eventPendingFor).toBeUndefined();
  });

  it('a token the user replaces while the run reads it is skipped, not overwritten', async () => {
    const tenant = 'tenant-replaced';
    await seedItems(table, [tokenItem({ tenant, accountId: 'user-0', expiresAt: at(HOUR_MS) }), tokenItem({ tenant, accountId: 'user-1', expiresAt: at(HOUR_MS) })]);
    const replacement = tokenItem({ tenant, accountId: 'user-0', expiresAt: at(90 * DAY_MS), version: 2, ciphertext: 'AYADeJ-the-new-token' });
    let replaced = false;
    // The user's save lands between the checker's read and its write.
    table.db.middlewareStack.add(
      (next, context) => async (args) => {
        const input = JSON.stringify(args.input);
        if (!replaced && /Update/.test(context.commandName ?? '') && input.includes(userPk(tenant, 'user-0'))) {
          replaced = true;
          await table.db.send(new PutCommand({ TableName: table.tableName, Item: replacement }));
        }
        return next(args);
      },
      { step: 'initialize', name: 'concurrentSave' },
    );
    const sink = new MemoryEventSink();
    try {
      const summary = await checkerFor(new ManualClock(NOW), sink).run({ budgetMs: 60_000 });
      expect(replaced).toBe(true);
      expect(summary.markedExpiring).toBe(1);
    } finally {
      table.db.middlewareStack.remove('concurrentSave');
    }
    expect(tenantEvents(sink, tenant).map((e) => e.detail.accountId)).toEqual(['user-1']);
    expect(await itemOf(table, tenant, 'user-0')).toEqual(replacement);
  });

  it('a token already invalid is left alone, even when it passes expiry', async () => {
    const tenant = 'tenant-invalid';
    const invalid = tokenItem({ tenant, accountId: 'user-0', expiresAt: at(-HOUR_MS), status: 'invalid', version: 4 });
    await seedItems(table, [invalid]);
    const sink = new MemoryEventSink();
    const summary = await checkerFor(new ManualClock(NOW), sink).run({ budgetMs: 60_000 });
    expect(summary).toMatchObject({ examined: 1, markedExpired: 0 });
    expect(sink.events).toHaveLength(0);
    expect(await itemOf(table, tenant, 'user-0')).toEqual(invalid);
  });

  it('never scans: every read is a Query of one of the two indexes, service credentials\' month partitions included', async () => {
    const queries: string[] = [];
    table.db.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'QueryCommand') queries.push(String((args.input as { IndexName?: string }).IndexName));
        if (context.commandName === 'ScanCommand') queries.push('SCAN');
        return next(args);
      },
      { step: 'initialize', name: 'recordIndexes' },
    );
    try {
      await checkerFor(new ManualClock(NOW), new MemoryEventSink(), true).run({ budgetMs: 60_000 });
    } finally {
      table.db.middlewareStack.remove('recordIndexes');
    }
    // Users' tokens: 9 days; service credentials: the months of 2031-05-25 … 2031-07-01 (S#2031-05, -06, -07).
    expect(queries.filter((q) => q === 'byExpiry')).toHaveLength(9 + 3);
    expect(queries.filter((q) => q === 'byReverify')).toHaveLength(31);
    expect(queries).toHaveLength(43);
  });
});
