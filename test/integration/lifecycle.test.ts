import { Harness } from '../support/harness';

describe('Atlassian Connect lifecycle', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
  });
  afterAll(() => h.stop());

  it('serves health without authentication', async () => {
    const res = await h.call('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('installs a site signed with the install key and stores the shared secret only encrypted', async () => {
    const site = await h.installSite();
    const items = await h.scanAll();
    const tenant = items.find((i) => i.PK === `T#${site.clientKey}` && i.SK === 'TENANT');
    expect(tenant).toMatchObject({ clientKey: site.clientKey, baseUrl: site.baseUrl, version: 1 });
    expect(JSON.stringify(items)).not.toContain(site.sharedSecret);
    expect(h.logs.text()).not.toContain(site.sharedSecret);
  });

  it.each(['foreign-key', 'none'] as const)('refuses an install signed with %s and stores nothing', async (signing) => {
    const site = h.jira.createSite();
    expect(await h.jira.install(site.clientKey, h.url, signing)).toBe(401);
    const items = await h.scanAll();
    expect(items.some((i) => String(i.PK).includes(site.clientKey))).toBe(false);
  });

  it('refuses a first install signed with a shared secret (nothing to verify it against)', async () => {
    const site = h.jira.createSite();
    expect(await h.jira.install(site.clientKey, h.url, 'shared-secret')).toBe(401);
  });

  it('never lets an unsigned or wrongly signed re-install replace the secret', async () => {
    const site = await h.installSite();
    const before = (await h.scanAll()).find((i) => i.PK === `T#${site.clientKey}` && i.SK === 'TENANT');
    h.jira.rotateSecret(site.clientKey);
    expect(await h.jira.install(site.clientKey, h.url, 'foreign-key')).toBe(401);
    expect(await h.jira.install(site.clientKey, h.url, 'shared-secret', 'not-the-old-secret-xxxxxxxxxxxxxxxxxxxx')).toBe(401);
    const after = (await h.scanAll()).find((i) => i.PK === `T#${site.clientKey}` && i.SK === 'TENANT');
    expect(after).toEqual(before);
  });

  it('refuses an HS256 re-install signed with the current shared secret: it would rotate the secret and move the site (issue 10.6)', async () => {
    const site = await h.installSite();
    const before = (await h.scanAll()).find((i) => i.PK === `T#${site.clientKey}` && i.SK === 'TENANT');
    // Whoever holds the shared secret (a leaked log, a former admin) signs an "installed" call.
    expect(await h.jira.install(site.clientKey, h.url, 'shared-secret')).toBe(401);
    const oldSecret = site.sharedSecret;
    h.jira.rotateSecret(site.clientKey);
    expect(await h.jira.install(site.clientKey, h.url, 'shared-secret', oldSecret)).toBe(401);
    const after = (await h.scanAll()).find((i) => i.PK === `T#${site.clientKey}` && i.SK === 'TENANT');
    expect(after).toEqual(before);
  });

  it('refuses an HS256 uninstall signed with the shared secret and keeps the data', async () => {
    const site = await h.installSite();
    expect(await h.jira.uninstall(site.clientKey, h.url, 'shared-secret')).toBe(401);
    expect((await h.scanAll()).some((i) => i.PK === `T#${site.clientKey}` && i.SK === 'TENANT')).toBe(true);
  });

  it('after a re-install, requests signed with the new secret pass at once and the old secret is refused', async () => {
    const site = await h.installSite();
    h.jira.grant(site.clientKey, 'admin-r', 'ADMINISTER');
    const as = { site, accountId: 'admin-r' };
    expect((await h.call('GET', '/api/admin/integrations', { as })).status).toBe(200);
    const oldSecret = site.sharedSecret;
    h.jira.rotateSecret(site.clientKey);
    expect(await h.jira.install(site.clientKey, h.url)).toBe(204);
    expect((await h.call('GET', '/api/admin/integrations', { as })).status).toBe(200);
    const stale = h.jira.userJwt(site.clientKey, 'admin-r', { method: 'GET', path: '/api/admin/integrations' }, { secret: oldSecret });
    const refused = await h.call('GET', '/api/admin/integrations', { headers: { authorization: `JWT ${stale}` } });
    expect(refused.status).toBe(401);
  });

  it('uninstall deletes every item of the tenant and nothing of another', async () => {
    const a = await h.installSite();
    const b = await h.installSite();
    expect(await h.jira.uninstall(a.clientKey, h.url)).toBe(204);
    await h.deletions.idle();
    const items = await h.scanAll();
    expect(items.filter((i) => String(i.PK).startsWith(`T#${a.clientKey}`))).toEqual([]);
    expect(items.some((i) => i.PK === `T#${b.clientKey}`)).toBe(true);
  });

  it('authenticates before it reads the body: an unsigned install with a malformed or incomplete body gets 401, not the schema (issue 10.6)', async () => {
    const before = await h.scanAll();
    for (const rawBody of ['{"clientKey":', '{}', JSON.stringify({ clientKey: 'jira:x', eventType: 'installed' })]) {
      const res = await h.call('POST', '/lifecycle/installed', { rawBody, headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.body.code).toBe('UNAUTHENTICATED');
      expect(res.text).not.toMatch(/sharedSecret|baseUrl|eventType/);
    }
    expect(await h.scanAll()).toEqual(before);
  });

  it('asks the install-keys service about an unknown kid once, then answers from its negative cache (issue 10.11)', async () => {
    const site = h.jira.createSite();
    h.jira.server.clearRequests();
    for (let i = 0; i < 5; i += 1) expect(await h.jira.install(site.clientKey, h.url, 'unknown-kid')).toBe(401);
    expect(h.jira.server.requests.filter((r) => r.path.startsWith('/install-keys/')).length).toBe(1);
  });
});
