import { encodeSymmetric } from 'atlassian-jwt';
import { Harness } from '../support/harness';
import type { SiteInfo } from '../../lambdas/jira/simulator/jira-simulator';

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

  const now = () => Math.floor(Date.now() / 1000);
  const goodQsh = () => {
    const jwt = h.jira.userJwt(site.clientKey, admin, { method: 'GET', path });
    return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()).qsh as string;
  };

  const expect401 = async (authorization: string | undefined, reason: RegExp) => {
    const res = await h.call('GET', path, { headers: authorization ? { authorization } : {} });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.code).toBe('UNAUTHENTICATED');
    expect(String(res.body.detail)).toMatch(reason);
    if (authorization) expect(res.text).not.toContain(authorization.replace(/^JWT /, ''));
  };

  it('accepts a valid JWT from an admin', async () => {
    const res = await h.call('GET', path, { as: { site, accountId: admin } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ integrations: [] });
  });

  it('refuses a request with no JWT', () => expect401(undefined, /no Authorization header/));

  it('refuses alg none', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const claims = Buffer.from(JSON.stringify({ iss: site.clientKey, sub: admin, exp: now() + 60, qsh: goodQsh() })).toString('base64url');
    await expect401(`JWT ${header}.${claims}.`, /only HS256/);
  });

  it('refuses a wrong signature', () =>
    expect401(`JWT ${encodeSymmetric({ iss: site.clientKey, sub: admin, exp: now() + 60, qsh: goodQsh() }, 'not-the-shared-secret-at-all-xxxxxxxx')}`, /signature/));

  it('refuses an expired token', () =>
    expect401(`JWT ${encodeSymmetric({ iss: site.clientKey, sub: admin, exp: now() - 10, qsh: goodQsh() }, site.sharedSecret)}`, /expired/));

  it('refuses a wrong qsh', () =>
    expect401(`JWT ${h.jira.userJwt(site.clientKey, admin, { method: 'GET', path: '/api/admin/audit' })}`, /query string hash/));

  it('accepts a context-qsh token on a write, since Connect pages can only obtain context tokens (issue 11.6)', async () => {
    const jwt = h.jira.userJwt(site.clientKey, admin, { method: 'POST', path }, { contextQsh: true });
    const res = await h.call('POST', path, { headers: { authorization: `JWT ${jwt}` }, body: {} });
    // Authenticated and authorised: the (empty) body is what is refused.
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });

  it('accepts a context-qsh token on an iframe-facing GET', async () => {
    const res = await h.call('GET', path, { as: { site, accountId: admin }, contextQsh: true });
    expect(res.status).toBe(200);
  });

  it('refuses the iss of an unknown tenant', () =>
    expect401(`JWT ${encodeSymmetric({ iss: 'jira:unknown', sub: admin, exp: now() + 60, qsh: goodQsh() }, site.sharedSecret)}`, /not an installed Jira site/));

  it('refuses a token with no account (sub)', () =>
    expect401(`JWT ${encodeSymmetric({ iss: site.clientKey, exp: now() + 60, qsh: goodQsh() }, site.sharedSecret)}`, /account/));

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

  it('never logs the shared secret or a JWT', () => {
    expect(h.logs.text()).not.toContain(site.sharedSecret);
    expect(h.logs.text()).not.toMatch(/JWT ey/);
  });
});
