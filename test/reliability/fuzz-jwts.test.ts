import fc from 'fast-check';
import { FUZZ_TEST_TIMEOUT_MS, startFuzzFixture, type FuzzFixture } from './fuzz-fixture';
import { fitMaterialOf, forgedAuthorization, forgedFit, signHs256, validClaims, type FitMaterial, type JwtMaterial } from './forged-jwts';
import type { SiteInfo } from '../../lambdas/jira/simulator/jira-simulator';
import { pathOf } from './request-templates';

const NUM_RUNS = 200;

describe('fuzzing Authorization: random, truncated, tampered and forged JWTs on every route', () => {
  let f: FuzzFixture;
  let material: JwtMaterial;
  let forgeSite: SiteInfo;
  let fit: FitMaterial;

  beforeAll(async () => {
    f = await startFuzzFixture();
    const other = await f.rw.installTenant();
    const site = f.rw.tenant.site;
    material = {
      clientKey: site.clientKey,
      sharedSecret: site.sharedSecret,
      accountId: f.fuzzer.accountId,
      otherClientKey: other.site.clientKey,
      otherSharedSecret: other.site.sharedSecret,
      installKid: f.rw.h.jira.kid,
      nowSeconds: () => Math.floor(Date.now() / 1000),
    };
    // A Forge installation beside the Connect one, the fuzzing account its admin and developer.
    forgeSite = await f.rw.h.installSite();
    f.rw.h.jira.grant(forgeSite.clientKey, material.accountId, 'ADMINISTER');
    f.rw.h.jira.grant(forgeSite.clientKey, material.accountId, 'VIEW_DEV_TOOLS', 'PROJ');
    fit = fitMaterialOf(f.rw.h.jira.fit(forgeSite.clientKey, material.accountId), material.nowSeconds);
    await f.rebaseline();
  });
  afterAll(() => f.stop());

  const signedRequest = (method: string, path: string, query: Readonly<Record<string, string>> = {}) => ({
    method,
    path: new URL(path, 'http://api.invalid').pathname,
    query,
  });

  it('accepts the genuine token the forgeries start from (so each refusal is the forgery\'s doing)', async () => {
    const path = '/api/admin/integrations';
    const token = signHs256({ alg: 'HS256', typ: 'JWT' }, validClaims(material, signedRequest('GET', path)), material.sharedSecret);
    const template = f.templates.find((t) => t.routeKey === `GET ${path}`);
    if (!template) throw new Error('no template');
    expect((await f.send({ template, signed: false, headers: { authorization: `JWT ${token}` } })).status).toBe(200);
  });

  it(
    'answers every forgery with 401 UNAUTHENTICATED problem+json, echoes no token, and changes nothing',
    async () => {
      const cases = fc.constantFrom(...f.templates).chain((template) => {
        const path = pathOf(template.routeKey, template.pathParameters);
        return fc.record({ template: fc.constant(template), authorization: forgedAuthorization(material, signedRequest(template.method, path, template.query)) });
      });
      await fc.assert(
        fc.asyncProperty(cases, async ({ template, authorization }) => {
          const res = await f.send({
            template,
            signed: false,
            ...(template.body ? { body: { json: template.body } } : {}),
            headers: { ...(template.body ? { 'content-type': 'application/json' } : {}), ...template.headers, authorization },
          });
          if (template.routeKey.startsWith('GET /health') || template.routeKey.startsWith('GET /openapi')) return;
          expect([res.status, res.body.code]).toEqual([401, 'UNAUTHENTICATED']);
          expect(res.headers.get('www-authenticate')).toMatch(/^JWT /);
          const token = authorization.replace(/^\S+\s+/, '');
          if (token.length > 12) expect(res.text).not.toContain(token);
        }),
        { numRuns: NUM_RUNS },
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  it('accepts the genuine FIT the FIT forgeries start from', async () => {
    const template = f.templates.find((t) => t.routeKey === 'GET /api/admin/integrations');
    if (!template) throw new Error('no template');
    const res = await f.send({ template, signed: false, headers: { authorization: `Bearer ${fit.genuine}`, 'x-forge-oauth-system': f.rw.h.jira.systemToken(forgeSite.clientKey) } });
    expect(res.status).toBe(200);
  });

  it(
    'answers every forged Forge Invocation Token with 401 on every route, echoes no token, and changes nothing',
    async () => {
      const cases = fc.record({ template: fc.constantFrom(...f.templates), authorization: forgedFit(fit) });
      await fc.assert(
        fc.asyncProperty(cases, async ({ template, authorization }) => {
          const res = await f.send({
            template,
            signed: false,
            ...(template.body ? { body: { json: template.body } } : {}),
            headers: { ...(template.body ? { 'content-type': 'application/json' } : {}), ...template.headers, authorization, 'x-forge-oauth-system': f.rw.h.jira.systemToken(forgeSite.clientKey) },
          });
          if (template.routeKey.startsWith('GET /health') || template.routeKey.startsWith('GET /openapi')) return;
          expect([res.status, res.body.code]).toEqual([401, 'UNAUTHENTICATED']);
          const token = authorization.replace(/^\S+\s+/, '');
          if (token.length > 12) expect(res.text).not.toContain(token);
        }),
        { numRuns: NUM_RUNS },
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  it.each(['..', '.'])('never lets a lifecycle token\'s kid %j steer the install-key fetch out of the install-keys folder', async (kid) => {
    const template = f.templates.find((t) => t.routeKey === 'POST /lifecycle/installed');
    if (!template?.body) throw new Error('no template');
    const claims = { ...validClaims(material, signedRequest('POST', '/lifecycle/installed')), iss: template.body.clientKey, aud: f.rw.h.config.appBaseUrl };
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', kid })).toString('base64url');
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    f.rw.h.jira.server.clearRequests();
    const res = await f.send({ template, signed: false, body: { json: template.body }, headers: { 'content-type': 'application/json', authorization: `JWT ${header}.${payload}.c2ln` } });
    expect([res.status, res.body.code]).toEqual([401, 'UNAUTHENTICATED']);
    const strays = f.rw.h.jira.server.requests.filter((r) => !r.path.startsWith('/install-keys/'));
    expect(strays.map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });
});
