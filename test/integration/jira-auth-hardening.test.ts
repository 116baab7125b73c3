import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SiteInfo } from '../../simulators/jira/jira-simulator';
import { freePort } from '../../local/dynamodb-local';
import { startHostSimulators, type HostSimulators, type HostWorld } from '../../local/host-worlds';
import { createLocalApp, type LocalApp } from '../../local/local-app';
import type { DeletionJob } from '../../lambdas/deletion/deletion-job';
import { DeletionWorker } from '../../lambdas/deletion/deletion-worker';
import { DeletionStore } from '../../lambdas/store/deletion-store';
import { Harness } from '../support/harness';


describe.each(['forge'] as const)('Uninstall races on %s (issue 10.5, platform side)', (_platform) => {
  let hosts: HostSimulators;
  let h: Harness;
  let other: LocalApp;
  let otherUrl: string;
  let github: HostWorld;
  const admin = 'admin-race';

  beforeAll(async () => {
    hosts = await startHostSimulators();
    h = await Harness.start({ ...hosts.env, PATGATE_UNINSTALL_SWEEP_DELAY_SECONDS: '1' });
    // A second container of the same functions, with its own tenant cache.
    other = createLocalApp(h.config);
    otherUrl = await other.server.start(await freePort());
    github = hosts.world('github');
  });
  afterAll(async () => {
    await other.server.stop();
    await h.stop();
    await hosts.stop();
  });

  const viaOther = (method: string, site: SiteInfo, body?: unknown) => h.call(method, '/api/admin/integrations', { as: { site, accountId: admin }, body, via: otherUrl });

  it('a container that still caches the tenant re-reads it before a write, so nothing lands after the uninstall', async () => {
    const site = await h.installSite();
    h.jira.grant(site.clientKey, admin, 'ADMINISTER');
    expect((await viaOther('GET', site)).status).toBe(200); // the other container now caches the tenant
    expect(await h.uninstallSite(site)).toBe(204);
    const write = await viaOther('POST', site, github.integrationBody('raced', false));
    expect(write.status).toBe(401);
    await h.deletions.idle();
    expect((await h.scanAll()).filter((i) => String(i.PK).startsWith(`T#${site.clientKey}`))).toEqual([]);
  });

  it('a git action from a container that still caches the tenant acts on nothing after the uninstall: its one read re-checks the site', async () => {
    const site = await h.installSite();
    const user = 'user-race';
    h.jira.grant(site.clientKey, admin, 'ADMINISTER');
    h.jira.grant(site.clientKey, user, 'VIEW_DEV_TOOLS', 'PROJ');
    const created = await h.call('POST', '/api/admin/integrations', { as: { site, accountId: admin }, body: github.integrationBody('race', false) });
    expect(created.status).toBe(201);
    const body = { integrationId: String(created.body.id), repositoryId: github.repositoryId, issueKey: 'PROJ-1', branchName: 'race/after-uninstall', fromRef: 'main' };
    // The other container caches the tenant and the permission from a first action.
    expect((await h.call('POST', '/api/git/branches', { as: { site, accountId: user }, body: { ...body, branchName: 'race/before' }, via: otherUrl })).status).toBe(201);
    expect(await h.uninstallSite(site)).toBe(204);
    hosts.github.clearRequests();
    const raced = await h.call('POST', '/api/git/branches', { as: { site, accountId: user }, body, via: otherUrl });
    expect([raced.status, raced.body.code]).toEqual([401, 'UNAUTHENTICATED']);
    expect(hosts.github.requests).toEqual([]);
    await h.deletions.idle();
    expect((await h.scanAll()).filter((i) => String(i.PK).startsWith(`T#${site.clientKey}`))).toEqual([]);
  });

  it('sweeps again after the cache lifetime: an item that landed during the uninstall is removed', async () => {
    const site = await h.installSite();
    // Explicit steps, not timers: the queued job waits while this test runs the same worker one step at a time.
    h.deletions.pause();
    expect(await h.uninstallSite(site)).toBe(204);
    const store = new DeletionStore(h.app.deps.db, h.config.tableName);
    const marker = await store.tenantMarker(site.clientKey);
    const worker = new DeletionWorker(store);
    let job: DeletionJob = { kind: 'tenant', jobId: marker?.jobId ?? '', tenant: site.clientKey, pass: 1, phase: 'users', deleted: 0, startedAt: Date.now(), notBefore: 0 };
    let raced = false;
    for (let step = 0; step < 100; step += 1) {
      const outcome = await worker.run(job, 0);
      if (outcome.done) break;
      if (!raced && outcome.next.kind === 'tenant' && outcome.next.pass === 2) {
        // What a write racing the first sweep would leave behind, landing between the two passes.
        await h.app.deps.db.send(new PutCommand({ TableName: h.config.tableName, Item: { PK: `T#${site.clientKey}`, SK: 'INT#raced', type: 'integration' } }));
        raced = true;
      }
      job = outcome.next;
    }
    expect(raced).toBe(true);
    expect((await h.scanAll()).filter((i) => String(i.PK).startsWith(`T#${site.clientKey}`))).toEqual([]);
    h.deletions.resume();
    await h.deletions.idle();
  });

  it('refuses a re-install with 503 DELETION_IN_PROGRESS and Retry-After while the deletion runs, accepts it after, and the finished job leaves the new install alone', async () => {
    const site = await h.installSite();
    h.jira.grant(site.clientKey, admin, 'ADMINISTER');
    expect((await h.call('POST', '/api/admin/integrations', { as: { site, accountId: admin }, body: github.integrationBody('before', false) })).status).toBe(201);
    h.deletions.pause();
    expect(await h.uninstallSite(site)).toBe(204);
    const before = await h.scanAll();
    const reinstall = () => h.jira.installForge(site.clientKey, h.url);
    expect(await reinstall()).toBe(503);
    const res = await h.call('POST', '/lifecycle/forge', {
      headers: h.jira.triggerHeaders(site.clientKey),
      body: { eventType: 'avi:forge:installed:app', id: site.installationId, context: `ari:cloud:jira::site/${site.cloudId}` },
    });
    expect([res.status, res.body.code, res.headers.get('retry-after')]).toEqual([503, 'DELETION_IN_PROGRESS', '60']);
    expect(await h.scanAll()).toEqual(before); // a refused install changes nothing
    h.deletions.resume();
    await h.deletions.idle();
    expect(await reinstall()).toBe(204);
    // A duplicate of the finished job (SQS delivers at least once) finds no marker of its own: it deletes nothing.
    const tenantBefore = (await h.scanAll()).filter((i) => String(i.PK).startsWith(`T#${site.clientKey}`));
    expect(tenantBefore.some((i) => i.SK === 'TENANT')).toBe(true);
    await h.deletions.send({ kind: 'tenant', jobId: 'f'.repeat(32), tenant: site.clientKey, pass: 2, phase: 'users', deleted: 0, startedAt: 0, notBefore: 0 });
    await h.deletions.idle();
    expect((await h.scanAll()).filter((i) => String(i.PK).startsWith(`T#${site.clientKey}`))).toEqual(tenantBefore);
  });
});
