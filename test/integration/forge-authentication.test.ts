import { createHmac } from 'node:crypto';
import type { SiteInfo } from '../../simulators/jira/jira-simulator';
import { atlassianApiBaseUrl } from '../../lambdas/jira/jira-rest-client';
import { Harness } from '../support/harness';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const claimsOf = (token: string): Record<string, unknown> => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;

describe('Forge Remote: invocation tokens on /api routes', () => {
  let h: Harness;
  let site: SiteInfo;
  const admin = 'forge-admin';
  const path = '/api/admin/integrations';

  beforeAll(async () => {
    h = await Harness.start({}, {});
    site = await h.installSite();
    h.jira.grant(site.clientKey, admin, 'ADMINISTER');
  });
  afterAll(() => h.stop());

  const call = (headers: Record<string, string>) => h.call('GET', path, { headers });
  /** The admin page's FIT (the module admin routes take). */
  const adminPage = { moduleKey: 'patgate-admin' };
  const withFit = (fit: string): Record<string, string> => ({ authorization: `Bearer ${fit}`, 'x-forge-oauth-system': h.jira.systemToken(site.clientKey) });

  const expect401 = async (headers: Record<string, string>, check: RegExp) => {
    const res = await call(headers);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.code).toBe('UNAUTHENTICATED');
    expect(String(res.body.detail)).toMatch(check);
    const token = (headers.authorization ?? '').replace(/^Bearer /, '');
    if (token) {
      expect(res.text).not.toContain(token);
      for (const part of token.split('.').filter((p) => p.length > 8)) expect(res.text).not.toContain(part);
    }
  };

  it('accepts a FIT of the admin page for an admin (tenant = installation, user = principal)', async () => {
    const res = await call(h.jira.forgeHeaders(site.clientKey, admin, adminPage));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ integrations: [] });
  });

  it('refuses a missing or malformed token', async () => {
    await expect401({}, /no Authorization header/);
    await expect401({ authorization: 'Bearer abc.def' }, /not a valid JWT/);
    await expect401({ authorization: `Bearer ${b64({ alg: 'RS256' })}.${b64({ iss: 'forge/invocation-token', app: {} })}.c2ln` }, /format|signature/);
  });

  it('refuses an expired FIT, naming the expiry check', () => expect401(withFit(h.jira.fit(site.clientKey, admin, { ...adminPage, expiresInSeconds: -60 })), /expiry \(exp\)/));

  it('refuses a FIT for another app (audience)', () =>
    expect401(withFit(h.jira.fit(site.clientKey, admin, { ...adminPage, audience: 'ari:cloud:ecosystem::app/00000000-0000-4000-8000-000000000001' })), /audience \(aud\)/));

  it('refuses a FIT from another issuer', () => expect401(withFit(h.jira.fit(site.clientKey, admin, { ...adminPage, issuer: 'forge/something-else' })), /issuer \(iss\)/));

  it('refuses an unsigned FIT (alg none)', async () => {
    const claims = claimsOf(h.jira.fit(site.clientKey, admin, adminPage));
    await expect401(withFit(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`), /algorithm|format/);
  });

  it('refuses an HS256 FIT, even one keyed with the public JWKS (algorithm confusion)', async () => {
    const jwks = (await (await fetch(h.jira.jwksUrl)).json()) as { keys: { kid: string }[] };
    const claims = claimsOf(h.jira.fit(site.clientKey, admin, adminPage));
    const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: jwks.keys[0]?.kid })}.${b64(claims)}`;
    const signature = createHmac('sha256', JSON.stringify(jwks.keys[0])).update(input).digest('base64url');
    await expect401(withFit(`${input}.${signature}`), /algorithm \(alg\)/);
  });

  it('refuses a FIT signed by a key outside the JWKS', () => expect401(withFit(h.jira.fit(site.clientKey, admin, { ...adminPage, signWith: 'foreign-key' })), /signature/));

  it('refetches the JWKS for unknown key ids at most once per cooldown', async () => {
    const claims = claimsOf(h.jira.fit(site.clientKey, admin, adminPage));
    const before = h.jira.jwksFetches;
    for (let i = 0; i < 6; i += 1) {
      const input = `${b64({ alg: 'RS256', typ: 'JWT', kid: `made-up-${i}` })}.${b64(claims)}`;
      await expect401(withFit(`${input}.${Buffer.from('x'.repeat(256)).toString('base64url')}`), /signature \(kid\)/);
    }
    expect(h.jira.jwksFetches - before).toBeLessThanOrEqual(1);
  });

  it('lets a trigger FIT (no principal) reach only the lifecycle routes', () =>
    expect401(withFit(h.jira.fit(site.clientKey, undefined, { trigger: true })), /principal/));

  it('refuses a FIT whose API base URL is not an Atlassian API host, and never calls it', async () => {
    await expect401(withFit(h.jira.fit(site.clientKey, admin, { ...adminPage, apiBaseUrl: 'https://evil.example.com/ex/jira/x' })), /apiBaseUrl/);
    expect(atlassianApiBaseUrl('https://api.atlassian.com/ex/jira/0f1e', false)).toBe('https://api.atlassian.com/ex/jira/0f1e');
    for (const bad of ['http://api.atlassian.com/ex/jira/1', 'https://api.atlassian.com.evil.com/ex', 'https://evil.com/.atlassian.com', 'https://user:pw@api.atlassian.com/x', 'https://api.atlassian.com:8443/x', 'http://127.0.0.1:8080/ex/jira/1', 'javascript:alert(1)', 42]) {
      expect(atlassianApiBaseUrl(bad, false)).toBeUndefined();
    }
    expect(atlassianApiBaseUrl('http://127.0.0.1:8080/ex/jira/1', true)).toBe('http://127.0.0.1:8080/ex/jira/1');
  });

  it('refuses a request without the app system token', () => expect401({ authorization: `Bearer ${h.jira.fit(site.clientKey, admin, adminPage)}` }, /x-forge-oauth-system/));

  it('answers 503 JIRA_UNAVAILABLE, never an allow, when Jira refuses the system token or its scopes', async () => {
    const fresh = await h.installSite();
    h.jira.grant(fresh.clientKey, 'admin-2', 'ADMINISTER');
    const headers = h.jira.forgeHeaders(fresh.clientKey, 'admin-2', adminPage);
    h.jira.revokeSystemTokens(fresh.clientKey);
    const refused = await call(headers);
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe('JIRA_UNAVAILABLE');
    expect(refused.text).not.toContain(headers['x-forge-oauth-system']);
    const narrow = await call(h.jira.forgeHeaders(fresh.clientKey, 'admin-2', { ...adminPage, scopes: ['read:jira-work'] }));
    expect(narrow.status).toBe(503);
    expect((await call(h.jira.forgeHeaders(fresh.clientKey, 'admin-2', adminPage))).status).toBe(200);
  });

  it('refuses a FIT for an uninstalled installation', async () => {
    const gone = await h.installSite();
    h.jira.grant(gone.clientKey, 'admin-3', 'ADMINISTER');
    expect((await call(h.jira.forgeHeaders(gone.clientKey, 'admin-3', adminPage))).status).toBe(200);
    expect(await h.uninstallSite(gone)).toBe(204);
    await expect401(withFit(h.jira.fit(gone.clientKey, 'admin-3', adminPage)), /not an installed Jira site/);
  });

  it('never logs a FIT or a system token', () => {
    expect(h.logs.text()).not.toMatch(/Bearer ey|sim-sys-/);
  });
});

describe('Forge Remote: lifecycle events', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start({}, {});
  });
  afterAll(() => h.stop());

  const tenantItem = async (site: SiteInfo) => (await h.scanAll()).find((i) => i.PK === `T#${site.clientKey}` && i.SK === 'TENANT');

  it('installs from the installed event; a retried delivery and an upgrade change nothing twice', async () => {
    const site = h.jira.createSite(undefined);
    expect(await h.jira.installForge(site.clientKey, h.url)).toBe(204);
    const first = await tenantItem(site);
    expect(first).toMatchObject({ platform: 'forge', clientKey: site.installationId, cloudId: site.cloudId, forgeEnvironmentId: site.environmentId, version: 1 });
    expect(await h.jira.installForge(site.clientKey, h.url)).toBe(204);
    expect((await h.jira.deliverForgeEvent(site.clientKey, h.url, 'avi:forge:upgraded:app')).status).toBe(204);
    expect(await tenantItem(site)).toEqual(first);
  });

  it('refuses an unsigned event, a FIT for another app and a FIT signed outside the JWKS, before reading the body', async () => {
    const site = h.jira.createSite(undefined);
    const unsigned = await h.call('POST', '/lifecycle/forge', { rawBody: '{"eventType":', headers: { 'content-type': 'application/json' } });
    expect(unsigned.status).toBe(401);
    for (const fit of [{ audience: 'ari:cloud:ecosystem::app/other' }, { signWith: 'foreign-key' as const }, { expiresInSeconds: -30 }]) {
      const delivery = await h.jira.deliverForgeEvent(site.clientKey, h.url, 'avi:forge:installed:app', { fit, retries: 0 });
      expect(delivery.status).toBe(401);
    }
    expect(await tenantItem(site)).toBeUndefined();
  });

  it('answers a signed event with a bad body 400 and writes nothing', async () => {
    const site = h.jira.createSite(undefined);
    const res = await h.call('POST', '/lifecycle/forge', { headers: h.jira.triggerHeaders(site.clientKey), body: { eventType: 'avi:jira:created:issue' } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(await tenantItem(site)).toBeUndefined();
  });

  it('installed and upgraded answer without calling Jira (Forge gives a remote 5 s per event)', async () => {
    const site = h.jira.createSite(undefined);
    const calls = h.jira.exchanges.length;
    const jiraRequests = jest.spyOn(globalThis, 'fetch');
    try {
      expect(await h.jira.installForge(site.clientKey, h.url)).toBe(204);
      expect((await h.jira.deliverForgeEvent(site.clientKey, h.url, 'avi:forge:upgraded:app')).status).toBe(204);
      // The only fetches are the simulator's deliveries to the app (and the app's JWKS read): none to Jira's REST API.
      expect(jiraRequests.mock.calls.map(([url]) => String(url)).filter((url) => url.includes('/ex/jira/'))).toEqual([]);
    } finally {
      jiraRequests.mockRestore();
    }
    expect(h.jira.exchanges.length).toBe(calls);
  });

  it('retries a delivery the remote could not take, as Forge does', async () => {
    const site = h.jira.createSite(undefined);
    const delivery = await h.jira.deliverForgeEvent(site.clientKey, 'http://127.0.0.1:9', 'avi:forge:installed:app', { retries: 4, retryDelayMs: 1 });
    expect(delivery).toEqual({ status: 0, attempts: 5 });
  });

  it('uninstall deletes every item; a repeated uninstall is a no-op', async () => {
    const site = await h.installSite();
    expect(await h.jira.uninstallForge(site.clientKey, h.url)).toBe(204);
    await h.deletions.idle(); // the deletion job (lambdas/deletion) runs after the answer
    expect((await h.scanAll()).filter((i) => String(i.PK).startsWith(`T#${site.clientKey}`))).toEqual([]);
    expect((await h.jira.deliverForgeEvent(site.clientKey, h.url, 'avi:forge:uninstalled:app')).status).toBe(204);
  });
});
