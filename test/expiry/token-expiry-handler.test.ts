import { randomBytes } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { handler, SAFETY_MARGIN_MS } from '../../lambdas/handlers/token-expiry';
import type { IntegrationRecord } from '../../lambdas/domain/records';
import { IntegrationStore } from '../../lambdas/store/integration-store';
import { tokenSk, userPk } from '../../lambdas/store/keys';
import { TenantStore } from '../../lambdas/store/tenant-store';
import { createTestTable, HOUR_MS, seedItems, tokenItem, type TestTable } from './expiry-fixtures';
import { FakeEventBus } from './fake-event-bus';

/** The scheduled Lambda, configured from the environment as in AWS, its event bus a loopback fake. */
describe('token-expiry Lambda handler', () => {
  let table: TestTable;
  let bus: FakeEventBus;
  const saved = { ...process.env };

  beforeAll(async () => {
    table = await createTestTable();
    bus = new FakeEventBus();
    const busUrl = await bus.start();
    Object.assign(process.env, {
      PATGATE_TABLE_NAME: table.tableName,
      PATGATE_DYNAMODB_ENDPOINT: process.env.PATGATE_TEST_DYNAMODB_ENDPOINT,
      PATGATE_LOCAL_KEY: randomBytes(32).toString('base64'),
      PATGATE_EVENT_BUS_NAME: 'patgate-test-bus',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_EVENTBRIDGE: busUrl,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    const soon = (hours: number): string => new Date(Date.now() + hours * HOUR_MS).toISOString();
    await seedItems(table, [tokenItem({ accountId: 'a', expiresAt: soon(5) }), tokenItem({ accountId: 'b', expiresAt: soon(-1) })]);
    // An installed site whose GitHub service credential expires in 2 days, saved as the admin API saves it.
    const at = new Date().toISOString();
    await new TenantStore(table.db, table.tableName).put({ clientKey: 'tenant-a', baseUrl: '', installedAt: at, updatedAt: at, version: 1 }, undefined);
    const integration: IntegrationRecord = {
      tenant: 'tenant-a',
      id: 'int-github',
      name: 'GitHub (acme)',
      provider: 'github',
      requireUserPat: false,
      serviceCredential: { kind: 'token', ciphertext: 'kms.not-a-real-ciphertext', hint: '…wxyz', setAt: at, login: 'svc-bot', scopes: ['repo'], expiresAt: soon(48) },
      version: 1,
      createdAt: at,
      createdBy: 'admin',
      updatedAt: at,
      updatedBy: 'admin',
    };
    await new IntegrationStore(table.db, table.tableName).create(integration);
  });

  afterAll(async () => {
    process.env = saved;
    table.destroy();
    await bus.stop();
  });

  const scheduledEvent = { source: 'aws.scheduler', 'detail-type': 'Scheduled Event', detail: {} };

  it('with no time left beyond the safety margin, starts nothing', async () => {
    const summary = await handler(scheduledEvent, { getRemainingTimeInMillis: () => SAFETY_MARGIN_MS });
    expect(summary).toMatchObject({ examined: 0, budgetExhausted: true });
    expect(bus.entries).toHaveLength(0);
  });

  it('marks the tokens, warns about the service credential, and puts one event each on the configured bus', async () => {
    const summary = await handler(scheduledEvent, { getRemainingTimeInMillis: () => 5 * 60 * 1000 });
    expect(summary).toMatchObject({ examined: 2, markedExpiring: 1, markedExpired: 1, serviceCredentialWarnings: 1, budgetExhausted: false });
    expect(bus.entries.map((e) => [e.EventBusName, e.Source, e.DetailType, JSON.parse(e.Detail ?? '{}').accountId ?? JSON.parse(e.Detail ?? '{}').integrationName]).sort()).toEqual([
      ['patgate-test-bus', 'patgate.tokens', 'Service Credential Expiring', 'GitHub (acme)'],
      ['patgate-test-bus', 'patgate.tokens', 'Token Expired', 'b'],
      ['patgate-test-bus', 'patgate.tokens', 'Token Expiring', 'a'],
    ]);
    expect(bus.entries.find((e) => e.DetailType === 'Service Credential Expiring')?.Detail).not.toMatch(/wxyz|ciphertext|svc-bot/);
    const a = await table.db.send(new GetCommand({ TableName: table.tableName, Key: { PK: userPk('tenant-a', 'a'), SK: tokenSk('int-github') } }));
    expect(a.Item).toMatchObject({ status: 'expiring' });
  });
});
