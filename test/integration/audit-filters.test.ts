import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../../lambdas/domain/records';
import { LOCAL_AWS_CREDENTIALS } from '../../local/dynamodb-local';
import { auditItems, AuditStore, type AuditPage } from '../../lambdas/store/audit-store';
import { createTable } from '../../local/create-table';
import { createDocumentClient } from '../../lambdas/store/dynamo-client';
import { tenantPk, TENANT_SK } from '../../lambdas/store/keys';
import { TestClock } from '../support/test-clock';

/**
 * The admin audit page on a 5,000-entry partition: every filter is one Query (DynamoDB Local, the
 * store's own item layout). The partition is seeded with the items `auditItems` makes (what
 * `append` writes, batched for speed); a few entries go through `append` itself.
 */
describe('filtered audit pages cost one Query', () => {
  const endpoint = process.env.PATGATE_TEST_DYNAMODB_ENDPOINT ?? '';
  const tableName = `patgate-audit-${randomUUID()}`;
  const db = createDocumentClient({ region: 'us-east-1', endpoint });
  const clock = new TestClock();
  const store = new AuditStore(db, tableName, clock);
  const tenant = 'site-audit';
  const other = 'site-other';
  const queries: { index?: string }[] = [];
  const all: AuditEntry[] = [];

  // 5,000 entries over 50 integrations and 100 accounts: each filter matches 1% (both together 0.02%…).
  const entryAt = (i: number): AuditEntry => ({
    id: `e${String(i).padStart(5, '0')}`,
    at: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
    actorAccountId: `acc-${i % 100}`,
    action: 'create-branch',
    integrationId: `int-${i % 50}`,
    repositoryId: 'acme/web',
    outcome: 'success',
  });

  beforeAll(async () => {
    const raw = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_AWS_CREDENTIALS });
    await createTable(raw, tableName);
    raw.destroy();
    await db.send(new PutCommand({ TableName: tableName, Item: { PK: tenantPk(tenant), SK: TENANT_SK } }));
    await db.send(new PutCommand({ TableName: tableName, Item: { PK: tenantPk(other), SK: TENANT_SK } }));
    const items: Record<string, unknown>[] = [];
    for (let i = 0; i < 5000; i += 1) {
      const entry = entryAt(i);
      all.push(entry);
      items.push(...auditItems(tenant, entry));
    }
    const batches: Record<string, unknown>[][] = [];
    for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
    for (let i = 0; i < batches.length; i += 8) {
      await Promise.all(batches.slice(i, i + 8).map((batch) => db.send(new BatchWriteCommand({ RequestItems: { [tableName]: batch.map((Item) => ({ PutRequest: { Item } })) } }))));
    }
    // Another tenant's entries under the same integration and account ids: never seen.
    for (let i = 0; i < 3; i += 1) await new AuditStore(db, tableName, clock).append(other, { actorAccountId: 'acc-7', action: 'create-branch', integrationId: 'int-7', outcome: 'success' });
    db.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'QueryCommand') queries.push({ index: (args.input as { IndexName?: string }).IndexName });
        return next(args);
      },
      { step: 'initialize', name: 'countQueries' },
    );
  }, 120_000);
  afterAll(() => db.destroy());
  beforeEach(() => {
    queries.length = 0;
  });

  const newestFirst = (entries: AuditEntry[]): string[] => entries.map((e) => e.id).sort().reverse();
  const ids = (page: AuditPage): string[] => page.entries.map((e) => e.id);

  it.each([
    ['no filter', {}, () => true],
    ['an integration', { integrationId: 'int-7' }, (e: AuditEntry) => e.integrationId === 'int-7'],
    ['an account', { accountId: 'acc-42' }, (e: AuditEntry) => e.actorAccountId === 'acc-42'],
    ['an integration and an account', { integrationId: 'int-7', accountId: 'acc-7' }, (e: AuditEntry) => e.integrationId === 'int-7' && e.actorAccountId === 'acc-7'],
  ])('%s: a full page of the newest matches in exactly one Query, and the cursor goes on in one more', async (_what, filters, matches) => {
    const expected = newestFirst(all.filter(matches));
    expect(expected.length).toBeGreaterThanOrEqual(40);
    const first = await store.list(tenant, { ...filters, limit: 20 });
    expect(queries).toHaveLength(1);
    expect(ids(first)).toEqual(expected.slice(0, 20));
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await store.list(tenant, { ...filters, limit: 20, cursor: first.nextCursor });
    expect(queries).toHaveLength(2);
    expect(ids(second)).toEqual(expected.slice(20, 40));
    // Entries come back as stored, without the keys or the index attribute.
    expect(first.entries[0]).toEqual(all.find((e) => e.id === expected[0]));
  });

  it('a filter that matches nothing answers in one Query, with no cursor', async () => {
    const page = await store.list(tenant, { integrationId: 'int-404', limit: 20 });
    expect(page).toEqual({ entries: [] });
    expect(queries).toHaveLength(1);
  });

  it('entries written by append show up under every filter that matches them, and only in their own tenant', async () => {
    // The test clock reads today's date: later than every seeded entry.
    const written = await store.append(tenant, { actorAccountId: 'acc-new', action: 'integration.updated', integrationId: 'int-new', outcome: 'success' });
    const noIntegration = await store.append(tenant, { actorAccountId: 'acc-new', action: 'token.saved', outcome: 'success' });
    expect(ids(await store.list(tenant, { limit: 2 }))).toEqual([noIntegration.id, written.id]);
    expect(ids(await store.list(tenant, { integrationId: 'int-new', limit: 5 }))).toEqual([written.id]);
    expect(ids(await store.list(tenant, { accountId: 'acc-new', limit: 5 }))).toEqual([noIntegration.id, written.id]);
    expect(ids(await store.list(tenant, { accountId: 'acc-new', integrationId: 'int-new', limit: 5 }))).toEqual([written.id]);
    expect((await store.list(other, { accountId: 'acc-7', integrationId: 'int-7', limit: 50 })).entries).toHaveLength(3);
    expect((await store.list(tenant, { accountId: 'acc-7', integrationId: 'int-7', limit: 500 })).entries.every((e) => !e.id.includes('-'))).toBe(true);
  });

  it.each([
    ['another tenant\'s cursor', { integrationId: 'int-7' }, async () => (await store.list(other, { integrationId: 'int-7', limit: 1 })).nextCursor],
    ['a cursor of another filter', { integrationId: 'int-8' }, async () => (await store.list(tenant, { integrationId: 'int-7', limit: 1 })).nextCursor],
    ['an unfiltered cursor for an account filter', { accountId: 'acc-1' }, async () => (await store.list(tenant, { limit: 1 })).nextCursor],
    ['a filtered cursor for the unfiltered page', {}, async () => (await store.list(tenant, { integrationId: 'int-7', limit: 1 })).nextCursor],
    ['an account cursor for another account', { accountId: 'acc-2' }, async () => (await store.list(tenant, { accountId: 'acc-1', limit: 1 })).nextCursor],
  ])('refuses %s (VALIDATION_FAILED), reading nothing', async (_what, filters, cursorOf) => {
    const cursor = await cursorOf();
    expect(cursor).toEqual(expect.any(String));
    queries.length = 0;
    await expect(store.list(tenant, { ...filters, limit: 20, cursor })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(queries).toHaveLength(0);
  });

  it('every item of an entry lives in the tenant\'s audit partition (the uninstall deletes it whole) and expires with it', async () => {
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `T#${tenant}#AUDIT` }, Select: 'COUNT', ExclusiveStartKey: start }));
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    // 5,000 seeded entries and their copies, plus the two appended entries and one copy.
    expect(count).toBe(10_003);
    const items = auditItems(tenant, entryAt(1));
    expect(items.map((item) => item.ttl)).toEqual([items[0]?.ttl, items[0]?.ttl]);
  });
});
