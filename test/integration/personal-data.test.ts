import { MANIFEST_SCOPES, type SiteInfo } from '../../simulators/jira/jira-simulator';
import { deliverScheduledTrigger, GUIDE_CLOSED_ACCOUNT, PERSONAL_DATA_SCOPE, REPORT_ACCOUNTS_LIMIT } from '../../simulators/jira/personal-data-api';
import { startHostSimulators, type HostSimulators, type HostWorld } from '../../local/host-worlds';
import { PRIVACY_REPORT_MODULE_KEY, REPORT_CYCLE_MS } from '../../lambdas/privacy/personal-data-reporter';
import { PRIVACY_REPORT_SK } from '../../lambdas/store/personal-data-store';
import { Harness } from '../support/harness';
import { TestClock } from '../support/test-clock';

/**
 * The personal data report, end to end: Forge's scheduled trigger reaches `POST /privacy/report`,
 * patgate reports the accounts it holds to the Jira simulator's personal data reporting API
 * (simulators/jira/personal-data-api.ts) and erases closed accounts in DynamoDB Local.
 * Forge's runtime is the simulator's (FIT and system token); nothing of ours is mocked.
 */
describe('personal data: report held accounts on the Forge trigger, erase closed ones', () => {
  let hosts: HostSimulators;
  let h: Harness;
  const clock = new TestClock();
  const admin = 'admin-privacy';
  const REPORT_SCOPES = [...MANIFEST_SCOPES, PERSONAL_DATA_SCOPE];

  const sites: SiteInfo[] = [];

  beforeAll(async () => {
    hosts = await startHostSimulators();
    h = await Harness.start(hosts.env, { clock, privacyRunBudgetMs: 600_000 });
    // Installed before any test moves the clock (an install's FIT lives five minutes).
    for (let i = 0; i < 5; i += 1) {
      const site = await h.installSite();
      h.jira.grant(site.clientKey, admin, 'ADMINISTER');
      sites.push(site);
    }
  });
  afterAll(async () => {
    await h.stop();
    await hosts.stop();
  });

  const newSite = async (): Promise<SiteInfo> => {
    const site = sites.shift();
    if (!site) throw new Error('no site left');
    return site;
  };
  const trigger = (site: SiteInfo, options: { moduleKey?: string; scopes?: readonly string[] } = {}): Promise<number> =>
    deliverScheduledTrigger(h.jira, site.clientKey, `${h.url}/privacy/report`, {
      moduleKey: options.moduleKey ?? PRIVACY_REPORT_MODULE_KEY,
      scopes: options.scopes ?? REPORT_SCOPES,
      // Valid for as long as the advanced test clock needs.
      fitExpiresInSeconds: 300 + Math.ceil(clock.offsetMs / 1000),
    });
  const reportsOf = (site: SiteInfo) => h.jira.personalData.reports.filter((r) => r.installationId === site.installationId);
  const integration = async (site: SiteInfo, w: HostWorld): Promise<string> => {
    const res = await h.call('POST', '/api/admin/integrations', { as: { site, accountId: admin }, body: w.integrationBody(`privacy ${Math.random().toString(36).slice(2, 7)}`, true) });
    expect(res.status).toBe(201);
    return String(res.body.id);
  };
  const saveToken = async (site: SiteInfo, w: HostWorld, integrationId: string, accountId: string): Promise<void> => {
    const res = await h.call('PUT', `/api/me/tokens/${integrationId}`, { as: { site, accountId }, body: w.userToken(`${accountId}-login`).body });
    expect(res.status).toBe(200);
  };
  const holders = async (site: SiteInfo): Promise<Record<string, unknown>> => {
    const res = await h.call('GET', '/api/admin/integrations', { as: { site, accountId: admin } });
    return Object.fromEntries((res.body.integrations as { id: string; tokenHolders: unknown }[]).map((i) => [i.id, i.tokenHolders]));
  };
  const itemsOf = async (site: SiteInfo) => (await h.scanAll()).filter((i) => String(i.PK).startsWith(`T#${site.clientKey}`));
  const keyOf = (i: Record<string, unknown>) => `${String(i.PK)}|${String(i.SK)}`;

  it('a closed account: its tokens go (holder counts follow), its audit entries and copies get one pseudonym, nothing else changes', async () => {
    const site = await newSite();
    const w = hosts.world('github');
    const [a, b] = [await integration(site, w), await integration(site, w)];
    const closed = `closed-${Math.random().toString(36).slice(2, 8)}`;
    const active = `active-${Math.random().toString(36).slice(2, 8)}`;
    await saveToken(site, w, a, closed);
    await saveToken(site, w, b, closed);
    await saveToken(site, w, a, active);
    h.jira.grant(site.clientKey, closed, 'VIEW_DEV_TOOLS', 'PROJ');
    const branch = await h.call('POST', '/api/git/branches', { as: { site, accountId: closed }, headers: { 'idempotency-key': 'privacy-branch-1' }, body: { integrationId: a, repositoryId: w.repositoryId, issueKey: 'PROJ-1', branchName: `privacy/${Math.random().toString(36).slice(2, 8)}`, fromRef: w.defaultBranch } });
    expect(branch.status).toBe(201);
    expect(await holders(site)).toMatchObject({ [a]: 2, [b]: 1 });
    h.jira.personalData.closeAccount(closed);
    const before = await itemsOf(site);
    const closedAudit = before.filter((i) => i.type === 'audit' || i.type === 'audit-copy').filter((i) => i.actorAccountId === closed);
    expect(closedAudit.length).toBeGreaterThanOrEqual(4); // two token saves and a branch, with their per-integration copies
    expect(closedAudit.some((i) => (i.actedAs as { login?: string } | undefined)?.login === `${closed}-login`)).toBe(true);
    expect(before.some((i) => String(i.PK).endsWith('#IDEM') && String(i.SK).startsWith(`${closed}#`))).toBe(true);

    expect(await trigger(site)).toBe(204);

    expect(reportsOf(site)).toEqual([{ installationId: site.installationId, status: 200, accountIds: expect.arrayContaining([admin, closed, active]) }]);
    expect(reportsOf(site)[0]?.accountIds).toHaveLength(3);
    const after = await itemsOf(site);
    expect(JSON.stringify(after)).not.toContain(closed);
    const afterByKey = new Map(after.map((i) => [keyOf(i), i]));
    const pseudonyms = new Set<string>();
    for (const item of before) {
      const now = afterByKey.get(keyOf(item));
      afterByKey.delete(keyOf(item));
      if (String(item.PK).endsWith(`#U#${closed}`) || item.SK === `USER#${closed}` || String(item.SK).startsWith(`${closed}#`)) {
        expect(now).toBeUndefined(); // the tokens, the user marker and the idempotency record
      } else if (item.actorAccountId === closed) {
        const { actorAccountId, auditActor, actedAs, ...rest } = now ?? {};
        pseudonyms.add(String(actorAccountId));
        expect(auditActor).toBe(`T#${site.clientKey}#A#${String(actorAccountId)}`);
        const { actorAccountId: _a, auditActor: _k, actedAs: oldActedAs, ...oldRest } = item;
        expect(rest).toEqual(oldRest);
        // The host login the user's own token acted as goes too; the credential kind stays.
        if (oldActedAs) expect(actedAs).toEqual({ credential: (oldActedAs as { credential: string }).credential });
      } else if (item.type === 'token-holders') {
        expect(now).toEqual({ ...item, tokenHolders: Number(item.tokenHolders) - 1 });
      } else {
        expect(now).toEqual(item);
      }
    }
    expect(pseudonyms.size).toBe(1);
    expect([...pseudonyms][0]).toMatch(/^closed-account-[0-9a-f-]{36}$/);
    // What is left is the report's own progress item.
    expect([...afterByKey.values()].map((i) => i.SK)).toEqual([PRIVACY_REPORT_SK]);
    expect(await holders(site)).toMatchObject({ [a]: 1, [b]: 0 });

    const byPseudonym = await h.call('GET', '/api/admin/audit', { as: { site, accountId: admin }, query: { accountId: [...pseudonyms][0] ?? '' } });
    expect(byPseudonym.status).toBe(200);
    expect((byPseudonym.body.entries as unknown[]).length).toBe(closedAudit.filter((i) => i.type === 'audit').length);
    const byOldId = await h.call('GET', '/api/admin/audit', { as: { site, accountId: admin }, query: { accountId: closed } });
    expect(byOldId.body.entries).toEqual([]);
    // The active user still works.
    expect((await h.call('GET', '/api/me/integrations', { as: { site, accountId: active } })).status).toBe(200);
  });

  it('a closed admin: the integrations and overrides they created or changed name the pseudonym their audit entries name', async () => {
    const site = await newSite();
    const w = hosts.world('github');
    const leaving = `admin-leaving-${Math.random().toString(36).slice(2, 8)}`;
    h.jira.grant(site.clientKey, leaving, 'ADMINISTER');
    const created = await h.call('POST', '/api/admin/integrations', { as: { site, accountId: leaving }, body: w.integrationBody(`by leaver ${Math.random().toString(36).slice(2, 7)}`, false) });
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    const override = await h.call('PUT', `/api/admin/integrations/${id}/repositories`, { as: { site, accountId: leaving }, body: { repositoryId: w.repositoryId, requireUserPat: true } });
    expect(override.status).toBe(200);
    const other = await integration(site, w);
    h.jira.personalData.closeAccount(leaving);

    expect(await trigger(site)).toBe(204);

    expect(JSON.stringify(await itemsOf(site))).not.toContain(leaving);
    const audit = await h.call('GET', '/api/admin/audit', { as: { site, accountId: admin }, query: { integrationId: id } });
    const pseudonym = (audit.body.entries as { actorAccountId: string }[])[0]?.actorAccountId;
    expect(pseudonym).toMatch(/^closed-account-/);
    const read = await h.call('GET', `/api/admin/integrations/${id}`, { as: { site, accountId: admin } });
    expect(read.body).toMatchObject({ createdBy: pseudonym, updatedBy: pseudonym, repositories: [{ updatedBy: pseudonym }] });
    // The remaining admin's integration keeps its author.
    expect((await h.call('GET', `/api/admin/integrations/${other}`, { as: { site, accountId: admin } })).body).toMatchObject({ createdBy: admin });
  });

  it('reports every held account once, in requests of at most 90, and not again within the cycle', async () => {
    const site = await newSite();
    const accounts = Array.from({ length: 200 }, (_, i) => `bulk-${String(i).padStart(3, '0')}`);
    for (const accountId of accounts) await h.app.deps.audit.append(site.clientKey, { actorAccountId: accountId, action: 'integration.viewed', outcome: 'success' });
    accounts.push(GUIDE_CLOSED_ACCOUNT);
    await h.app.deps.audit.append(site.clientKey, { actorAccountId: GUIDE_CLOSED_ACCOUNT, action: 'integration.viewed', outcome: 'success' });

    expect(await trigger(site)).toBe(204);
    const sent = reportsOf(site);
    expect(sent.map((r) => r.accountIds.length)).toEqual([90, 90, 21]);
    expect(sent.every((r) => r.accountIds.length <= REPORT_ACCOUNTS_LIMIT)).toBe(true);
    expect(sent.flatMap((r) => r.accountIds).sort()).toEqual([...accounts].sort());
    // The guide's always-closed test account was erased; the others stay.
    const markers = (await itemsOf(site)).filter((i) => String(i.SK).startsWith('USER#')).map((i) => String(i.SK).slice(5));
    expect(markers.sort()).toEqual(accounts.filter((a) => a !== GUIDE_CLOSED_ACCOUNT).sort());

    clock.advance(REPORT_CYCLE_MS - 60_000);
    expect(await trigger(site)).toBe(204);
    expect(reportsOf(site)).toHaveLength(3);
    clock.advance(60_000);
    expect(await trigger(site)).toBe(204);
    expect(reportsOf(site).slice(3).flatMap((r) => r.accountIds)).toHaveLength(200);
  });

  it('429: nothing is sent before Retry-After; after it the same batch is sent again', async () => {
    const site = await newSite();
    for (let i = 0; i < 3; i += 1) await h.app.deps.audit.append(site.clientKey, { actorAccountId: `wait-${i}`, action: 'integration.viewed', outcome: 'success' });
    h.jira.personalData.rateLimit(1, 120);

    expect(await trigger(site)).toBe(204);
    expect(reportsOf(site).map((r) => r.status)).toEqual([429]);
    clock.advance(119_000);
    expect(await trigger(site)).toBe(204);
    expect(reportsOf(site)).toHaveLength(1);
    clock.advance(2_000);
    expect(await trigger(site)).toBe(204);
    const [limited, retried] = reportsOf(site);
    expect(retried).toEqual({ installationId: site.installationId, status: 204, accountIds: limited?.accountIds });
  });

  it('only the report trigger starts a run: a user FIT, another module and a token without the scope change nothing', async () => {
    const site = await newSite();
    await h.app.deps.audit.append(site.clientKey, { actorAccountId: GUIDE_CLOSED_ACCOUNT, action: 'integration.viewed', outcome: 'success' });
    const asUser = await h.call('POST', '/privacy/report', { as: { site, accountId: admin }, body: {} });
    expect(asUser.status).toBe(401);
    expect(await trigger(site, { moduleKey: 'patgate-lifecycle-events' })).toBe(401);
    expect(reportsOf(site)).toEqual([]);

    // Installed without the report:personal-data scope: Atlassian refuses, nothing is erased, the next run tries again.
    expect(await trigger(site, { scopes: MANIFEST_SCOPES.filter((s) => s !== PERSONAL_DATA_SCOPE) })).toBe(204);
    expect(reportsOf(site)).toEqual([]);
    expect((await itemsOf(site)).some((i) => i.SK === `USER#${GUIDE_CLOSED_ACCOUNT}`)).toBe(true);
    expect(await trigger(site)).toBe(204);
    expect((await itemsOf(site)).some((i) => i.SK === `USER#${GUIDE_CLOSED_ACCOUNT}`)).toBe(false);
  });
});
