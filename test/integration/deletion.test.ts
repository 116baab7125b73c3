import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import type { DeletionJob, TenantDeletionJob } from '../../lambdas/deletion/deletion-job';
import type { DeletionQueue } from '../../lambdas/deletion/deletion-queue';
import { DeletionWorker } from '../../lambdas/deletion/deletion-worker';
import { processDeletions } from '../../lambdas/handlers/deletion';
import type { SiteInfo } from '../../simulators/jira/jira-simulator';
import { startHostSimulators, type HostSimulators, type HostWorld } from '../../local/host-worlds';
import { DeletionStore } from '../../lambdas/store/deletion-store';
import { DynamoRequestCounter } from '../bench/dynamo-request-counter';
import { Harness } from '../support/harness';
import { budgetForItems } from '../support/work-budget';

/**
 * Asynchronous, resumable deletion (issue 16): uninstall and integration delete answer after O(1)
 * DynamoDB requests; the deletion worker (the in-process queue runs the same code as the AWS
 * worker Lambda) deletes the rest in bounded steps. DynamoDB Local through the real SDK.
 */
describe('asynchronous deletion', () => {
  let hosts: HostSimulators;
  let h: Harness;
  let github: HostWorld;
  const counter = new DynamoRequestCounter();
  const admin = 'admin-del';

  beforeAll(async () => {
    hosts = await startHostSimulators();
    h = await Harness.start(hosts.env);
    counter.attach(h.app.deps.db);
    github = hosts.world('github');
  });
  afterAll(async () => {
    await h.stop();
    await hosts.stop();
  });
  // A long worker run leaves the client's pooled keep-alive socket idle past the local server's
  // idle timeout; an idempotent GET after it absorbs a socket the server closed meanwhile (ECONNRESET).
  afterEach(async () => {
    h.deletions.resume();
    await h.deletions.idle();
    await h.call('GET', '/health').catch(() => undefined);
  });

  const write = async (items: Record<string, unknown>[]): Promise<void> => {
    const batches: Record<string, unknown>[][] = [];
    for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
    // Four batches at a time: seeding is the test's set-up, not what it measures.
    for (let i = 0; i < batches.length; i += 4) {
      await Promise.all(batches.slice(i, i + 4).map((batch) => h.app.deps.db.send(new BatchWriteCommand({ RequestItems: { [h.config.tableName]: batch.map((Item) => ({ PutRequest: { Item } })) } }))));
    }
  };

  /** The items `seedSite` writes (each one written, then read and deleted by the worker). */
  const seededItems = (audit: number, users: number): number => audit + Math.ceil(audit / 3) + 40 + users * 3 + 30;

  /** What a busy site leaves: audit entries (and copies), idempotency records, users with tokens. */
  const seedSite = async (clientKey: string, audit: number, users: number): Promise<void> => {
    const items: Record<string, unknown>[] = [];
    for (let i = 0; i < audit; i += 1) {
      const sk = `2026-01-01T00:00:00.000Z#${String(i).padStart(8, '0')}`;
      items.push({ PK: `T#${clientKey}#AUDIT`, SK: sk, type: 'audit', auditActor: `T#${clientKey}#A#u${i % 7}` });
      if (i % 3 === 0) items.push({ PK: `T#${clientKey}#AUDIT`, SK: `I#int${i % 5}#${sk}`, type: 'audit-copy', auditActor: `T#${clientKey}#A#u${i % 7}` });
    }
    for (let i = 0; i < 40; i += 1) items.push({ PK: `T#${clientKey}#IDEM`, SK: `key-${i}`, type: 'idempotency' });
    for (let u = 0; u < users; u += 1) {
      items.push({ PK: `T#${clientKey}`, SK: `USER#u${u}`, type: 'user' });
      items.push({ PK: `T#${clientKey}#U#u${u}`, SK: 'PAT#int1', type: 'user-token', expiryDay: '2027-01-01', expiresAt: '2027-01-01T00:00:00.000Z' });
      items.push({ PK: `T#${clientKey}#U#u${u}`, SK: 'PAT#int2', type: 'user-token' });
    }
    for (let r = 0; r < 30; r += 1) items.push({ PK: `T#${clientKey}`, SK: `INT#int1#REPO#org/r${r}`, type: 'override' });
    await write(items);
  };

  const itemsOf = async (clientKey: string): Promise<Record<string, unknown>[]> => (await h.scanAll()).filter((i) => String(i.PK) === `T#${clientKey}` || String(i.PK).startsWith(`T#${clientKey}#`));

  it.each([
    [200, 5],
    [4000, 300],
  ])('uninstall answers after the same two DynamoDB requests with %i audit items and %i users; the worker then deletes and verifies everything', async (audit, users) => {
    const site = await h.installSite();
    const other = await h.installSite();
    await seedSite(site.clientKey, audit, users);
    await seedSite(other.clientKey, 10, 2);
    const otherBefore = await itemsOf(other.clientKey);
    h.deletions.pause();
    counter.take();
    expect(await h.uninstallSite(site)).toBe(204);
    const before = counter.take().requests;
    // GetItem of the tenant, then one transaction: tenant item out, deletion marker in.
    expect(before.map((r) => r.operation)).toEqual(['GetItem', 'TransactWriteItems']);
    const left = await itemsOf(site.clientKey);
    expect(left.some((i) => i.SK === 'TENANT')).toBe(false);
    expect(left.find((i) => i.SK === 'DELETING')).toMatchObject({ type: 'deletion-marker' });
    h.deletions.resume();
    await h.deletions.idle();
    expect(await itemsOf(site.clientKey)).toEqual([]);
    expect(await itemsOf(other.clientKey)).toEqual(otherBefore);
    expect(h.deletions.deadLetters).toEqual([]);
    expect(h.logs.text()).toContain('tenant data deleted and verified');
  }, budgetForItems(seededItems(4000, 300) + seededItems(10, 2)));

  it('resumes from the cursor of its last message after an interruption, redoes a re-delivered step harmlessly, and ends with nothing left', async () => {
    const site = await h.installSite();
    await seedSite(site.clientKey, 700, 60);
    h.deletions.pause(); // the queued job is left waiting; this test drives a worker of its own
    expect(await h.uninstallSite(site)).toBe(204);
    const store = new DeletionStore(h.app.deps.db, h.config.tableName);
    const marker = await store.tenantMarker(site.clientKey);
    expect(marker).toBeDefined();
    const worker = new DeletionWorker(store, { pageSize: 100, usersPerStep: 10 });
    let job: DeletionJob = { kind: 'tenant', jobId: marker?.jobId ?? '', tenant: site.clientKey, pass: 1, phase: 'users', deleted: 0, startedAt: Date.now(), notBefore: 0 };
    const seen: DeletionJob[] = [];
    let invocations = 0;
    for (;;) {
      invocations += 1;
      expect(invocations).toBeLessThan(200);
      // A budget of 0 ms: every invocation runs one step and hands back its continuation.
      const outcome = await worker.run(job, 0);
      if (outcome.done) break;
      seen.push(outcome.next);
      // Crash once mid-way: the continuation was never sent, so SQS re-delivers the previous message.
      if (invocations === 9) continue;
      job = outcome.next;
    }
    expect(invocations).toBeGreaterThan(20);
    // The cursor moved within phases (the job was cut inside a partition, not only between phases).
    expect(seen.some((j) => j.kind === 'tenant' && j.phase === 'audit' && j.cursor !== undefined)).toBe(true);
    expect(seen.some((j) => j.kind === 'tenant' && j.phase === 'users' && j.pass === 2)).toBe(true);
    expect(await itemsOf(site.clientKey)).toEqual([]);
    // The job still queued from the uninstall now finds no marker of its own: it deletes nothing and ends.
    h.deletions.resume();
    await h.deletions.idle();
    expect(h.deletions.deadLetters).toEqual([]);
  }, budgetForItems(seededItems(700, 60)));

  it('a repeated uninstall while the deletion runs enqueues the job again; the duplicate is harmless', async () => {
    const site = await h.installSite();
    await seedSite(site.clientKey, 50, 3);
    h.deletions.pause();
    expect(await h.uninstallSite(site)).toBe(204);
    expect(h.deletions.pending).toBe(1);
    expect(await h.jira.uninstallForge(site.clientKey, h.url)).toBe(204);
    expect(h.deletions.pending).toBe(2);
    h.deletions.resume();
    await h.deletions.idle();
    expect(await itemsOf(site.clientKey)).toEqual([]);
    expect(h.deletions.deadLetters).toEqual([]);
  });

  describe('integration delete', () => {
    let site: SiteInfo;
    let otherSite: SiteInfo;
    beforeAll(async () => {
      site = await h.installSite();
      otherSite = await h.installSite();
      h.jira.grant(site.clientKey, admin, 'ADMINISTER');
      h.jira.grant(otherSite.clientKey, admin, 'ADMINISTER');
    });
    let seq = 0;
    const create = async (on: SiteInfo): Promise<string> => {
      seq += 1;
      const res = await h.call('POST', '/api/admin/integrations', { as: { site: on, accountId: admin }, body: github.integrationBody(`del ${seq}`, true) });
      expect([res.status, res.text]).toEqual([201, expect.any(String)]);
      return String(res.body.id);
    };
    const tokenItems = (clientKey: string, users: number, integrationIds: readonly string[]): Record<string, unknown>[] =>
      Array.from({ length: users }, (_, u) => [
        { PK: `T#${clientKey}`, SK: `USER#m${u}`, type: 'user' },
        ...integrationIds.map((id) => ({ PK: `T#${clientKey}#U#m${u}`, SK: `PAT#${id}`, type: 'user-token', integrationId: id })),
      ]).flat();

    it('answers 204 after O(1) DynamoDB requests with 300 token holders; the job deletes their tokens, its overrides, counter and recorded pull request facts, and nothing of another integration or site', async () => {
      const doomed = await create(site);
      const kept = await create(site);
      const elsewhere = await create(otherSite);
      await write([
        ...tokenItems(site.clientKey, 300, [doomed, kept]),
        ...tokenItems(otherSite.clientKey, 5, [elsewhere, doomed]),
        ...Array.from({ length: 40 }, (_, r) => ({ PK: `T#${site.clientKey}`, SK: `INT#${doomed}#REPO#org/r${r}`, type: 'override', integrationId: doomed, repositoryId: `org/r${r}`, requireUserPat: true, updatedAt: 'x', updatedBy: admin })),
        { PK: `T#${site.clientKey}`, SK: `INT#${doomed}#HOLDERS`, type: 'token-holders', integrationId: doomed, tokenHolders: 300 },
        // CodeCommit pull request facts (store/pull-request-facts-store.ts) of both integrations.
        ...[doomed, kept].flatMap((id) =>
          Array.from({ length: 3 }, (_, n) => ({ PK: `T#${site.clientKey}`, SK: `PRF#${id}#eu-west-1#repo#${n + 1}`, type: 'pull-request-fact', targets: [{ source: `f${n}`, destination: 'main' }] })),
        ),
      ]);
      const isDoomed = (i: Record<string, unknown>) => String(i.PK).startsWith(`T#${site.clientKey}`) && (String(i.SK).includes(doomed) || i.integrationId === doomed);
      const untouched = (await h.scanAll()).filter((i) => !isDoomed(i));
      h.deletions.pause();
      counter.take();
      const res = await h.call('DELETE', `/api/admin/integrations/${doomed}`, { as: { site, accountId: admin } });
      expect(res.status).toBe(204);
      const ops = counter.take().requests.map((r) => r.operation);
      // Tenant item (authentication), the integration, the delete transaction, the audit entry: none of them grows with users.
      expect(ops.length).toBeLessThanOrEqual(5);
      expect(ops.filter((op) => op === 'BatchWriteItem' || op === 'Query')).toEqual([]);
      const during = await h.scanAll();
      expect(during.some((i) => i.PK === `T#${site.clientKey}` && i.SK === `INT#${doomed}`)).toBe(false);
      expect(during.find((i) => i.SK === `DELETING#INT#${doomed}`)).toMatchObject({ type: 'deletion-marker' });
      expect((await h.call('GET', `/api/admin/integrations/${doomed}`, { as: { site, accountId: admin } })).status).toBe(404);
      h.deletions.resume();
      await h.deletions.idle();
      const after = await h.scanAll();
      // Only the audit history names it still (kept on purpose, until its TTL); the other site's token of the same id is not this site's.
      expect(after.filter((i) => isDoomed(i) && !String(i.PK).endsWith('#AUDIT'))).toEqual([]);
      expect(after.some((i) => String(i.PK) === `T#${site.clientKey}#AUDIT` && i.integrationId === doomed && i.action === 'integration.deleted')).toBe(true);
      for (const item of untouched) expect(after).toContainEqual(item);
      expect(h.deletions.deadLetters).toEqual([]);
    }, budgetForItems(300 * 3 + 5 * 3 + 40 + 1 + 6));

    it('keeps If-Match: a stale version is refused with 412 and nothing is deleted or enqueued', async () => {
      const id = await create(site);
      h.deletions.pause();
      const res = await h.call('DELETE', `/api/admin/integrations/${id}`, { as: { site, accountId: admin }, headers: { 'if-match': '"7"' } });
      expect([res.status, res.body.code]).toEqual([412, 'PRECONDITION_FAILED']);
      expect(h.deletions.pending).toBe(0);
      expect((await h.call('GET', `/api/admin/integrations/${id}`, { as: { site, accountId: admin } })).status).toBe(200);
      expect((await h.call('DELETE', `/api/admin/integrations/${id}`, { as: { site, accountId: admin }, headers: { 'if-match': '"1"' } })).status).toBe(204);
      expect(h.deletions.pending).toBe(1);
    });

    it('a job that could not be enqueued answers 503 DELETION_IN_PROGRESS; the DELETE sent again enqueues it, and nothing is left behind', async () => {
      const id = await create(site);
      await write(tokenItems(site.clientKey, 3, [id]));
      // SQS cannot run here: the in-process queue's send is made to fail once, as an SQS outage would.
      const send = jest.spyOn(h.deletions, 'send').mockRejectedValueOnce(new Error('SQS unavailable'));
      try {
        const first = await h.call('DELETE', `/api/admin/integrations/${id}`, { as: { site, accountId: admin } });
        expect([first.status, first.body.code, first.headers.get('retry-after')]).toEqual([503, 'DELETION_IN_PROGRESS', '5']);
      } finally {
        send.mockRestore();
      }
      expect((await h.call('GET', `/api/admin/integrations/${id}`, { as: { site, accountId: admin } })).status).toBe(404);
      const again = await h.call('DELETE', `/api/admin/integrations/${id}`, { as: { site, accountId: admin } });
      expect(again.status).toBe(204);
      await h.deletions.idle();
      const left = (await h.scanAll()).filter((i) => String(i.PK).startsWith(`T#${site.clientKey}`) && !String(i.PK).endsWith('#AUDIT') && (String(i.SK).includes(id) || i.integrationId === id));
      expect(left).toEqual([]);
      // Once the job is done, the integration is simply not there.
      expect((await h.call('DELETE', `/api/admin/integrations/${id}`, { as: { site, accountId: admin } })).status).toBe(404);
    });

    it('attack: while its deletion job has not run, a user\'s still-stored token cannot act, be read as ready or be replaced through the deleted integration\'s id', async () => {
      const user = 'user-del';
      h.jira.grant(site.clientKey, user, 'VIEW_DEV_TOOLS', 'PROJ');
      const id = await create(site);
      const saved = await h.call('PUT', `/api/me/tokens/${id}`, { as: { site, accountId: user }, body: github.userToken('attacker-own').body });
      expect(saved.status).toBe(200);
      h.deletions.pause();
      expect((await h.call('DELETE', `/api/admin/integrations/${id}`, { as: { site, accountId: admin } })).status).toBe(204);
      expect((await h.scanAll()).some((i) => i.PK === `T#${site.clientKey}#U#${user}` && i.SK === `PAT#${id}`)).toBe(true); // the job has not run
      hosts.github.clearRequests();
      const as = { site, accountId: user };
      const branch = await h.call('POST', '/api/git/branches', { as, body: { integrationId: id, repositoryId: github.repositoryId, issueKey: 'PROJ-1', branchName: 'del/after', fromRef: 'main' } });
      expect([branch.status, branch.body.code]).toEqual([404, 'NOT_FOUND']);
      const pr = await h.call('POST', '/api/git/pull-requests', { as, body: { integrationId: id, repositoryId: github.repositoryId, issueKey: 'PROJ-1', sourceBranch: 'x', targetBranch: 'main', title: 't' } });
      expect(pr.status).toBe(404);
      const ready = await h.call('GET', '/api/issues/PROJ-1/git-readiness', { as, query: { integrationId: id, repositoryId: github.repositoryId } });
      expect(ready.status).toBe(404);
      const resaved = await h.call('PUT', `/api/me/tokens/${id}`, { as, body: github.userToken('attacker-again').body });
      expect(resaved.status).toBe(404);
      expect(hosts.github.requests.filter((r) => r.method !== 'GET' || r.path.includes('/git/'))).toEqual([]);
      h.deletions.resume();
      await h.deletions.idle();
      expect((await h.scanAll()).some((i) => i.PK === `T#${site.clientKey}#U#${user}` && i.SK === `PAT#${id}`)).toBe(false);
    });
  });

  describe('the worker Lambda handler', () => {
    const sent: { job: DeletionJob; delaySeconds: number | undefined }[] = [];
    const queue: DeletionQueue = { send: async (job, delaySeconds) => void sent.push({ job, delaySeconds }) };
    const event = (...bodies: string[]): SQSEvent => ({ Records: bodies.map((body, i) => ({ messageId: `m${i}`, body })) }) as unknown as SQSEvent;

    it('fails a poison message alone (SQS re-delivers it, then moves it to the dead-letter queue) and enqueues a real job\'s continuation', async () => {
      const site = await h.installSite();
      await seedSite(site.clientKey, 300, 4);
      h.deletions.pause();
      expect(await h.uninstallSite(site)).toBe(204);
      const marker = await new DeletionStore(h.app.deps.db, h.config.tableName).tenantMarker(site.clientKey);
      const job: TenantDeletionJob = { kind: 'tenant', jobId: marker?.jobId ?? '', tenant: site.clientKey, pass: 1, phase: 'users', deleted: 0, startedAt: Date.now(), notBefore: Date.now() + 60_000 };
      const worker = new DeletionWorker(new DeletionStore(h.app.deps.db, h.config.tableName));
      const answer = await processDeletions(event('{"kind":"everything"}', JSON.stringify(job)), { getRemainingTimeInMillis: () => 120_000 }, { worker, queue });
      expect(answer.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
      // Pass 1 is done; pass 2 waits for the tenant-cache lifetime: a delayed message on the same queue.
      expect(sent).toHaveLength(1);
      expect(sent[0]?.job).toMatchObject({ kind: 'tenant', jobId: job.jobId, pass: 2, phase: 'users' });
      expect(sent[0]?.delaySeconds).toBeGreaterThan(30);
      expect(sent[0]?.delaySeconds).toBeLessThanOrEqual(60);
      expect((await itemsOf(site.clientKey)).map((i) => i.SK).sort()).toEqual(['DELETING', 'USER#u0', 'USER#u1', 'USER#u2', 'USER#u3']);
    });
  });
});
