import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../lambdas/domain/clock';
import { Secret } from '../../lambdas/domain/secret';
import { ForgeTokenVerifier } from '../../lambdas/jira/forge-invocation-token';
import { JiraSimulator, MANIFEST_SCOPES, type SiteInfo } from '../../simulators/jira/jira-simulator';
import { PERSONAL_DATA_SCOPE } from '../../simulators/jira/personal-data-api';
import { LOCAL_AWS_CREDENTIALS } from '../../local/dynamodb-local';
import { ForgePersonalDataClient, retryAfterSeconds } from '../../lambdas/privacy/personal-data-client';
import { PersonalDataReporter, type ReportRun } from '../../lambdas/privacy/personal-data-reporter';
import { auditItems, AuditStore } from '../../lambdas/store/audit-store';
import { createTable } from '../../local/create-table';
import { createDocumentClient } from '../../lambdas/store/dynamo-client';
import { tenantPk, TENANT_SK } from '../../lambdas/store/keys';
import { PersonalDataStore } from '../../lambdas/store/personal-data-store';
import { TenantStore } from '../../lambdas/store/tenant-store';
import { TokenStore } from '../../lambdas/store/token-store';

/** A clock that moves one second each time it is read: every run's budget ends after its first step. */
class SteppingClock implements Clock {
  #at = Date.now();
  now(): Date {
    this.#at += 1000;
    return new Date(this.#at);
  }
}

/**
 * Runs cut short by their budget (DynamoDB Local, the Jira simulator's personal data API): an
 * erasure of 250 audit entries (500 items with their copies) spans several runs, keeps one
 * pseudonym throughout and reports the account only once.
 */
describe('personal data report: runs cut short resume where they stopped', () => {
  const endpoint = process.env.PATGATE_TEST_DYNAMODB_ENDPOINT ?? '';
  const tableName = `patgate-privacy-${randomUUID()}`;
  const db = createDocumentClient({ region: 'us-east-1', endpoint });
  const clock = new SteppingClock();
  const jira = new JiraSimulator();
  let site: SiteInfo;
  /** Every item of this test's table (the test's own view; the service never scans). */
  const scanAll = async (): Promise<Record<string, unknown>[]> => {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  };

  beforeAll(async () => {
    await jira.start();
    const raw = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_AWS_CREDENTIALS });
    await createTable(raw, tableName);
    raw.destroy();
    site = jira.createSite(undefined);
    await db.send(new PutCommand({ TableName: tableName, Item: { PK: tenantPk(site.clientKey), SK: TENANT_SK, type: 'tenant' } }));
  });
  afterAll(async () => {
    db.destroy();
    await jira.stop();
  });

  it('erases across runs with one pseudonym, and reports the closed account once', async () => {
    // 120 entries seeded as `append` stores them (batched for speed), then one through `append` itself.
    const seeded = Array.from({ length: 120 }, (_, i) => auditItems(site.clientKey, { id: `e${i}`, at: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(), actorAccountId: 'leaver', action: 'create-branch', integrationId: 'int1', outcome: 'success' })).flat();
    for (let i = 0; i < seeded.length; i += 25) await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: seeded.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
    const audit = new AuditStore(db, tableName, clock);
    await audit.append(site.clientKey, { actorAccountId: 'leaver', action: 'create-branch', integrationId: 'int1', outcome: 'success' });
    await audit.append(site.clientKey, { actorAccountId: 'stayer', action: 'create-branch', integrationId: 'int1', outcome: 'success' });
    jira.personalData.closeAccount('leaver');
    const store = new PersonalDataStore(db, tableName);
    const reporter = new PersonalDataReporter(
      new TenantStore(db, tableName),
      new ForgeTokenVerifier({ jwksUrl: jira.jwksUrl, appId: jira.forgeAppId, cooldownMs: 30_000, allowLoopbackApi: true }, clock),
      store,
      new TokenStore(db, tableName),
      clock,
      { runBudgetMs: 0 },
    );
    const client = new ForgePersonalDataClient(site.apiBaseUrl, new Secret(jira.systemToken(site.clientKey, { scopes: [...MANIFEST_SCOPES, PERSONAL_DATA_SCOPE] })), () => clock.now());

    const runs: ReportRun[] = [];
    for (let i = 0; i < 20 && !(runs.at(-1)?.kind === 'ran' && (runs.at(-1) as { erased: number }).erased === 1); i += 1) runs.push(await reporter.run(site.clientKey, client));

    expect(runs.length).toBeGreaterThan(2);
    // The first run reports both accounts (the pass ends) and starts the erasure; later runs go on with it.
    expect(runs[0]).toEqual({ kind: 'ran', requests: 1, reported: 2, erased: 0 });
    expect(runs.slice(1, -1).every((r) => r.kind === 'ran' && r.requests === 0 && r.stoppedBy === 'budget')).toBe(true);
    expect(runs.at(-1)).toEqual({ kind: 'ran', requests: 0, reported: 0, erased: 1 });
    expect(jira.personalData.reports.filter((r) => r.installationId === site.installationId).map((r) => r.accountIds)).toEqual([['leaver', 'stayer']]);
    const items = await scanAll();
    expect(JSON.stringify(items)).not.toContain('leaver');
    const actors = new Set(items.filter((i) => i.type === 'audit' || i.type === 'audit-copy').map((i) => String(i.actorAccountId)));
    expect(actors.size).toBe(2);
    expect([...actors].filter((a) => a !== 'stayer')[0]).toMatch(/^closed-account-/);
    expect(await store.progress(site.clientKey)).toMatchObject({ closing: [] });
  }, 120_000);

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = new Date('2026-12-07T00:00:00Z');
    expect(retryAfterSeconds('120', now)).toBe(120);
    expect(retryAfterSeconds('Mon, 07 Dec 2026 00:02:00 GMT', now)).toBe(120);
    expect(retryAfterSeconds('Sun, 06 Dec 2026 23:00:00 GMT', now)).toBe(0);
    expect(retryAfterSeconds(null, now)).toBe(60);
    expect(retryAfterSeconds('soon', now)).toBe(60);
  });
});
