import { randomBytes } from 'node:crypto';
import { BatchGetCommand, PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SiteInfo } from '../../simulators/jira/jira-simulator';
import { MemoryEventSink } from '../support/memory-event-sink';
import { startHostSimulators, type HostSimulators, type HostWorld } from '../../local/host-worlds';
import { AUDIT_OUTBOX_PK } from '../../lambdas/store/audit-store';
import { createDocumentClient } from '../../lambdas/store/dynamo-client';
import { GIT_ACTION_TIME_LIMIT_SECONDS, IdempotencyStore } from '../../lambdas/store/idempotency-store';
import { Harness } from '../support/harness';

/**
 * The real DynamoDB Local client with a fault switch: audit transactions can be made to fail (the
 * network or DynamoDB failing after the host acted), and every BatchGetItem input is recorded. Only
 * this client is wrapped; every store above it is the real one.
 */
const faultyClient = (): { db: DynamoDBDocumentClient; failAuditWrites: (count: number) => void; batchGets: Record<string, unknown>[] } => {
  const endpoint = process.env.PATGATE_TEST_DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('DynamoDB Local is not running (Jest globalSetup)');
  const db = createDocumentClient({ region: 'us-east-1', endpoint });
  const send = db.send.bind(db) as (command: unknown) => Promise<unknown>;
  let failures = 0;
  const batchGets: Record<string, unknown>[] = [];
  (db as unknown as { send: (command: unknown) => Promise<unknown> }).send = async (command: unknown) => {
    if (command instanceof BatchGetCommand) batchGets.push(command.input as Record<string, unknown>);
    if (failures > 0 && (command instanceof TransactWriteCommand || command instanceof PutCommand) && JSON.stringify(command.input).includes('#AUDIT')) {
      failures -= 1;
      throw Object.assign(new Error('injected audit failure'), { name: 'InternalServerError' });
    }
    return send(command);
  };
  return { db, failAuditWrites: (count) => void (failures = count), batchGets };
};

describe('security review: stored state around actions and uninstalls', () => {
  let hosts: HostSimulators;
  let h: Harness;
  let faults: ReturnType<typeof faultyClient>;
  const admin = 'store-admin';

  beforeAll(async () => {
    hosts = await startHostSimulators();
    faults = faultyClient();
    h = await Harness.start(hosts.env, { db: faults.db, events: new MemoryEventSink() });
  });
  afterAll(async () => {
    await h.stop();
    await hosts.stop();
    faults.db.destroy();
  });

  const github = (): HostWorld => hosts.world('github');
  const newSite = async () => {
    const site = await h.installSite();
    h.jira.grant(site.clientKey, admin, 'ADMINISTER');
    return site;
  };
  const createIntegration = async (site: SiteInfo, requireUserPat: boolean): Promise<string> => {
    const res = await h.call('POST', '/api/admin/integrations', { as: { site, accountId: admin }, body: github().integrationBody(`gh ${randomBytes(3).toString('hex')}`, requireUserPat) });
    expect(res.status).toBe(201);
    return String(res.body.id);
  };
  const user = (site: SiteInfo) => {
    const accountId = `dev-${randomBytes(4).toString('hex')}`;
    h.jira.grant(site.clientKey, accountId, 'VIEW_DEV_TOOLS', 'PROJ');
    return { site, accountId };
  };
  const branchBody = (integrationId: string, branchName: string) => ({ integrationId, repositoryId: 'acme/web', issueKey: 'PROJ-1', branchName, fromRef: 'main' });

  describe('item 4: once the host acted, the answer is success', () => {
    it('an audit write that keeps failing still answers 201, queues the entry, and the key replays the first result', async () => {
      const site = await newSite();
      const id = await createIntegration(site, false);
      const as = user(site);
      const branch = `feature/PROJ-1-${randomBytes(3).toString('hex')}`;
      const headers = { 'idempotency-key': `key-${randomBytes(4).toString('hex')}` };
      faults.failAuditWrites(100);
      const first = await h.call('POST', '/api/git/branches', { as, body: branchBody(id, branch), headers });
      faults.failAuditWrites(0);
      expect(first.status).toBe(201);
      expect(github().branchAuthor(branch)).toBe('svc-bot');
      const again = await h.call('POST', '/api/git/branches', { as, body: branchBody(id, branch), headers });
      expect([again.status, again.body.replayed, again.body.url]).toEqual([201, true, first.body.url]);

      const queued = (await h.scanAll()).filter((item) => item.PK === AUDIT_OUTBOX_PK && item.tenant === site.clientKey);
      expect(queued).toHaveLength(1);
      expect(await h.app.deps.audit.drainOutbox()).toMatchObject({ written: expect.any(Number) });
      const audit = await h.app.deps.audit.list(site.clientKey, { limit: 10, integrationId: id });
      expect(audit.entries.filter((e) => e.action === 'create-branch')).toEqual([expect.objectContaining({ outcome: 'success', url: first.body.url })]);
      expect((await h.scanAll()).filter((item) => item.PK === AUDIT_OUTBOX_PK && item.tenant === site.clientKey)).toEqual([]);
    });

    it('an in-progress claim expires with the function time limit, not after 24 h', async () => {
      const site = await newSite();
      const store = new IdempotencyStore(faults.db, h.config.tableName);
      const now = Math.floor(Date.now() / 1000);
      expect(await store.claim(site.clientKey, 'acc', 'k1', 'hash', now)).toEqual({ kind: 'claimed' });
      expect(await store.claim(site.clientKey, 'acc', 'k1', 'hash', now + 1)).toEqual({ kind: 'in-progress', requestHash: 'hash' });
      expect(await store.claim(site.clientKey, 'acc', 'k1', 'hash', now + GIT_ACTION_TIME_LIMIT_SECONDS + 1)).toEqual({ kind: 'claimed' });
    });
  });

  describe('item 5: no write lands for an uninstalled site, even one racing the uninstall', () => {
    it('writes racing the uninstall and writes after it (tenant still cached) leave no item of the tenant', async () => {
      const site = await newSite();
      const id = await createIntegration(site, false);
      const as = user(site);
      const token = github().userToken(as.accountId);
      expect((await h.call('PUT', `/api/me/tokens/${id}`, { as, body: token.body })).status).toBe(200);
      const adminAs = { site, accountId: admin };
      const writes = (round: string) => [
        h.call('POST', '/api/admin/integrations', { as: adminAs, body: github().integrationBody(`race ${round} ${randomBytes(2).toString('hex')}`, false) }),
        h.call('PATCH', `/api/admin/integrations/${id}`, { as: adminAs, headers: { 'if-match': '"1"' }, body: { requireUserPat: true } }),
        h.call('PUT', `/api/admin/integrations/${id}/repositories`, { as: adminAs, body: { repositoryId: `acme/r-${round}`, requireUserPat: true } }),
        h.call('PUT', `/api/me/tokens/${id}`, { as, body: github().userToken(as.accountId).body }),
        h.call('POST', '/api/git/branches', { as, body: branchBody(id, `feature/PROJ-1-${round}-${randomBytes(2).toString('hex')}`), headers: { 'idempotency-key': `race-${round}` } }),
      ];
      const [uninstalled, ...racing] = await Promise.all([h.uninstallSite(site), ...writes('a')]);
      expect(uninstalled).toBe(204);
      const after = await Promise.all(writes('b'));
      // Authenticated from the container's cached tenant: refused at the write (401), or earlier because
      // the integration the write names is gone with the site (404); never written.
      expect(after[0]?.status).toBe(401);
      expect(after[0]?.body.code).toBe('UNAUTHENTICATED');
      for (const r of after) expect([[401, 'UNAUTHENTICATED'], [404, 'NOT_FOUND']]).toContainEqual([r.status, r.body.code]);
      for (const r of racing) expect([200, 201, 401, 412, 409]).toContain(r.status);
      await h.deletions.idle(); // the deletion job (lambdas/deletion) runs after the answer, twice
      const left = (await h.scanAll()).filter((item) => String(item.PK).startsWith(`T#${site.clientKey}`) || item.tenant === site.clientKey);
      expect(left).toEqual([]);
    });
  });

  describe('item 8: a filtered audit query reads a bounded number of items', () => {
    it('answers from the filter\'s own key range (one Query, no walk of the partition): the match is on the first page', async () => {
      const site = await newSite();
      const wanted = await createIntegration(site, false);
      const other = await createIntegration(site, false);
      const adminAs = { site, accountId: admin };
      await h.app.deps.audit.append(site.clientKey, { actorAccountId: admin, action: 'probe', integrationId: wanted, outcome: 'success' });
      for (let i = 0; i < 60; i += 1) await h.app.deps.audit.append(site.clientKey, { actorAccountId: admin, action: 'noise', integrationId: other, outcome: 'success' });
      const first = await h.call('GET', '/api/admin/audit', { as: adminAs, query: { integrationId: wanted, limit: '5' } });
      expect(first.status).toBe(200);
      expect((first.body.entries as { action: string }[]).map((e) => e.action)).toEqual(['probe', 'integration.created']);
      expect(first.body.nextCursor).toBeUndefined();
    });
  });

  describe('item 12: the action path reads integration, override and token consistently', () => {
    it('every BatchGetItem of a git action and a readiness check asks for ConsistentRead', async () => {
      const site = await newSite();
      const id = await createIntegration(site, false);
      const as = user(site);
      faults.batchGets.length = 0;
      await h.call('GET', '/api/issues/PROJ-1/git-readiness', { as, query: { integrationId: id, repositoryId: 'acme/web' } });
      await h.call('POST', '/api/git/branches', { as, body: branchBody(id, `feature/PROJ-1-${randomBytes(3).toString('hex')}`) });
      expect(faults.batchGets.length).toBeGreaterThanOrEqual(2);
      for (const input of faults.batchGets) {
        for (const request of Object.values(input.RequestItems as Record<string, { ConsistentRead?: boolean }>)) expect(request.ConsistentRead).toBe(true);
      }
    });
  });
});
