import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_AWS_CREDENTIALS } from '../../local/dynamodb-local';
import { AuditStore } from '../../lambdas/store/audit-store';
import { createTable } from '../../local/create-table';
import { createDocumentClient } from '../../lambdas/store/dynamo-client';
import { tenantPk, TENANT_SK, userMarkerSk } from '../../lambdas/store/keys';
import { TestClock } from '../support/test-clock';

/**
 * The actor's user marker (`USER#{accountId}`, which the personal data report lists) is written with
 * an account's first audit entry in a container, not with every entry: the hot audit transaction
 * stays at the entry and its copy. A marker deleted meanwhile (erasure, uninstall) comes back with the
 * account's next entry once the container's memory of it has expired (DynamoDB Local).
 */
describe('audit entries and the actor\'s user marker', () => {
  const endpoint = process.env.PATGATE_TEST_DYNAMODB_ENDPOINT ?? '';
  const tableName = `patgate-marker-${randomUUID()}`;
  const db = createDocumentClient({ region: 'us-east-1', endpoint });
  const tenant = 'site-marker';
  const transactionItems: number[] = [];

  beforeAll(async () => {
    const raw = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_AWS_CREDENTIALS });
    await createTable(raw, tableName);
    raw.destroy();
    await db.send(new PutCommand({ TableName: tableName, Item: { PK: tenantPk(tenant), SK: TENANT_SK } }));
    db.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'TransactWriteItemsCommand' || context.commandName === 'TransactWriteCommand') transactionItems.push((args.input as { TransactItems: unknown[] }).TransactItems.length);
        return next(args);
      },
      { step: 'initialize', name: 'countTransactionItems' },
    );
  });
  afterAll(() => db.destroy());
  beforeEach(() => void transactionItems.splice(0));

  const marker = async (accountId: string): Promise<unknown> =>
    (await db.send(new GetCommand({ TableName: tableName, Key: { PK: tenantPk(tenant), SK: userMarkerSk(accountId) }, ConsistentRead: true }))).Item;
  const entry = (actorAccountId: string) => ({ actorAccountId, action: 'create-branch', integrationId: 'int-1', repositoryId: 'acme/web', outcome: 'success' as const });

  it('first entry of an account writes its marker; the next entries of the same container do not', async () => {
    const store = new AuditStore(db, tableName, new TestClock());
    await store.append(tenant, entry('acc-first'));
    expect(await marker('acc-first')).toMatchObject({ type: 'user-marker', accountId: 'acc-first' });
    await store.appendAfterAction(tenant, entry('acc-first'));
    await store.append(tenant, entry('acc-first'));
    // tenant check + entry + copy + marker, then tenant check + entry + copy.
    expect(transactionItems).toEqual([4, 3, 3]);
    // Another account, and the same account in another container, each write it once.
    await store.append(tenant, entry('acc-second'));
    await new AuditStore(db, tableName, new TestClock()).append(tenant, entry('acc-first'));
    expect(transactionItems.slice(3)).toEqual([4, 4]);
    expect(await marker('acc-second')).toBeDefined();
  });

  it('a marker deleted meanwhile (erasure, uninstall) is written again once the container stops trusting it', async () => {
    const clock = new TestClock();
    const store = new AuditStore(db, tableName, clock);
    await store.append(tenant, entry('acc-erased'));
    await db.send(new DeleteCommand({ TableName: tableName, Key: { PK: tenantPk(tenant), SK: userMarkerSk('acc-erased') } }));
    clock.advance(16 * 60 * 1000);
    await store.append(tenant, entry('acc-erased'));
    expect(await marker('acc-erased')).toMatchObject({ accountId: 'acc-erased' });
  });

  it('a refused write (site uninstalled) leaves no marker and is not remembered', async () => {
    const store = new AuditStore(db, tableName, new TestClock());
    await expect(store.append('site-gone', entry('acc-gone'))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await db.send(new PutCommand({ TableName: tableName, Item: { PK: tenantPk('site-gone'), SK: TENANT_SK } }));
    await store.append('site-gone', entry('acc-gone'));
    expect(transactionItems).toEqual([4, 4]);
    const item = await db.send(new GetCommand({ TableName: tableName, Key: { PK: tenantPk('site-gone'), SK: userMarkerSk('acc-gone') }, ConsistentRead: true }));
    expect(item.Item).toBeDefined();
  });

  it('an install signed by Atlassian (system actor) gets no marker', async () => {
    await new AuditStore(db, tableName, new TestClock()).append(tenant, { actorAccountId: 'atlassian', action: 'installed', outcome: 'success' });
    expect(transactionItems).toEqual([2]);
    expect(await marker('atlassian')).toBeUndefined();
  });
});
