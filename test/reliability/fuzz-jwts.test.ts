import fc from 'fast-check';
import { FUZZ_TEST_TIMEOUT_MS, startFuzzFixture, type FuzzFixture } from './fuzz-fixture';
import { fitMaterialOf, forgedFit, type FitMaterial } from './forged-jwts';
import type { SiteInfo } from '../../simulators/jira/jira-simulator';

const NUM_RUNS = 200;

describe('fuzzing Authorization: random, truncated, tampered and forged JWTs on every route', () => {
  let f: FuzzFixture;
  let forgeSite: SiteInfo;
  let fit: FitMaterial;

  beforeAll(async () => {
    f = await startFuzzFixture();
    const accountId = f.fuzzer.accountId;
    // A Forge installation, the fuzzing account its admin and developer; the genuine FIT is the admin page's.
    forgeSite = await f.rw.h.installSite();
    f.rw.h.jira.grant(forgeSite.clientKey, accountId, 'ADMINISTER');
    f.rw.h.jira.grant(forgeSite.clientKey, accountId, 'VIEW_DEV_TOOLS', 'PROJ');
    fit = fitMaterialOf(f.rw.h.jira.fit(forgeSite.clientKey, accountId, { moduleKey: 'patgate-admin' }), () => Math.floor(Date.now() / 1000));
    await f.rebaseline();
  });
  afterAll(() => f.stop());

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
});
