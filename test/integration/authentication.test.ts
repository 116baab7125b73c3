import { Harness } from '../support/harness';
import type { SiteInfo } from '../../simulators/jira/jira-simulator';

describe('Jira authentication on /api routes', () => {
  let h: Harness;
  let site: SiteInfo;
  const admin = 'admin-account-1';
  const path = '/api/admin/integrations';

  beforeAll(async () => {
    h = await Harness.start();
    site = await h.installSite();
    h.jira.grant(site.clientKey, admin, 'ADMINISTER');
  });
  afterAll(() => h.stop());

  // The FIT checks themselves (signature, iss, aud, exp, module, environment): forge-authentication.test.ts.
  it('accepts a FIT of the admin page from an admin', async () => {
    const res = await h.call('GET', path, { as: { site, accountId: admin } });
    expect(res.status).toBe(200);
  });

  it('gives a non-admin 403 FORBIDDEN', async () => {
    const res = await h.call('GET', path, { as: { site, accountId: 'plain-user' } });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN');
  });

  it('gives 503 JIRA_UNAVAILABLE, never an allow, when Jira answers 500 or hangs', async () => {
    const fresh = await h.installSite();
    h.jira.grant(fresh.clientKey, 'admin-2', 'ADMINISTER');
    h.jira.server.injectFault({ pathIncludes: '/permissions/check', status: 500, times: 1 });
    const res = await h.call('GET', path, { as: { site: fresh, accountId: 'admin-2' } });
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('JIRA_UNAVAILABLE');
    h.jira.server.injectFault({ pathIncludes: '/permissions/check', delayMs: 3500, times: 1 });
    const slow = await h.call('GET', path, { as: { site: fresh, accountId: 'admin-2' } });
    expect(slow.status).toBe(503);
  });

  it('answers a body over 64 KiB with 413 and malformed JSON with 400, writing nothing', async () => {
    const before = await h.scanAll();
    const big = await h.call('POST', path, { as: { site, accountId: admin }, rawBody: JSON.stringify({ name: 'x'.repeat(70 * 1024) }), headers: { 'content-type': 'application/json' } });
    expect(big.status).toBe(413);
    expect(big.body.code).toBe('PAYLOAD_TOO_LARGE');
    const bad = await h.call('POST', path, { as: { site, accountId: admin }, rawBody: '{"name": ', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(await h.scanAll()).toEqual(before);
  });

  it('never logs a FIT or an app system token', () => {
    expect(h.logs.text()).not.toMatch(/Bearer ey|eyJhbGciOiJSUzI1Ni/);
    expect(h.logs.text()).not.toContain('sim-sys-');
  });
});
