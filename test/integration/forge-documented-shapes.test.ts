import { systemClock } from '../../lambdas/domain/clock';
import { ForgeTokenVerifier, environmentKeyOf } from '../../lambdas/jira/forge-invocation-token';
import { JiraSimulator } from '../../simulators/jira/jira-simulator';
import { setupUrl } from '../../lambdas/services/setup-links';
import { DOCUMENTED_FITS, INSTALLED_EVENT_EXAMPLE, TRIGGER_FIT_EXAMPLE, USER_FIT_EXAMPLE } from '../fixtures/forge-documented-examples';
import { Harness } from '../support/harness';

const claimsOf = (token: string): Record<string, unknown> => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
/** The key paths of a JSON value ("app.environment.id"), arrays as their first element. */
const pathsOf = (value: unknown, prefix = ''): string[] => {
  if (Array.isArray(value)) return pathsOf(value[0], `${prefix}[]`);
  if (!value || typeof value !== 'object') return [prefix];
  return Object.entries(value).flatMap(([key, inner]) => pathsOf(inner, prefix ? `${prefix}.${key}` : key));
};

/** Issue 20: FITs and lifecycle events as Atlassian documents them, not as our code assumed. */
describe('Forge shapes: the documented examples', () => {
  const jira = new JiraSimulator();
  beforeAll(() => jira.start());
  afterAll(() => jira.stop());

  const verifierFor = (appId: string, environmentIds: readonly string[] = []) =>
    new ForgeTokenVerifier({ jwksUrl: jira.jwksUrl, appId, environmentIds, cooldownMs: 30_000, allowLoopbackApi: false }, systemClock);
  /** Atlassian's example, valid now, signed with the simulator's key (we cannot have Atlassian's). */
  const resigned = (claims: Readonly<Record<string, unknown>>): string => {
    const now = Math.floor(Date.now() / 1000);
    return jira.signFit({ ...claims, iat: now, nbf: now, exp: now + 25 });
  };

  it.each(DOCUMENTED_FITS)('$name passes verification with every field we read', async ({ claims }) => {
    const invocation = await verifierFor(claims.aud).verify(resigned(claims));
    expect(invocation).toMatchObject({
      installationId: claims.app.installationId,
      apiBaseUrl: claims.app.apiBaseUrl,
      appId: claims.aud,
      environmentId: claims.app.environment.id,
      cloudId: claims.context.cloudId,
      moduleKey: claims.app.module.key,
      moduleType: claims.app.module.type,
    });
    expect(claims.app.environment.id.length).toBeGreaterThan(100); // the ARI the old 100-character cap refused
    expect(invocation.principal).toBe('principal' in claims ? claims.principal : undefined);
  });

  it('does not refuse longer or unknown fields it does not read', async () => {
    const claims = { ...USER_FIT_EXAMPLE, app: { ...USER_FIT_EXAMPLE.app, somethingNew: 'x'.repeat(5000), license: { isActive: true } }, extra: { nested: ['y'.repeat(3000)] } };
    await expect(verifierFor(claims.aud).verify(resigned(claims))).resolves.toMatchObject({ installationId: claims.app.installationId });
  });

  it('serves only the configured environment(s), given as ids or ARIs', async () => {
    const environment = TRIGGER_FIT_EXAMPLE.app.environment.id;
    await expect(verifierFor(TRIGGER_FIT_EXAMPLE.aud, [environment]).verify(resigned(TRIGGER_FIT_EXAMPLE))).resolves.toBeDefined();
    await expect(verifierFor(TRIGGER_FIT_EXAMPLE.aud, [environmentKeyOf(environment)]).verify(resigned(TRIGGER_FIT_EXAMPLE))).resolves.toBeDefined();
    await expect(verifierFor(TRIGGER_FIT_EXAMPLE.aud, ['ari:cloud:ecosystem::environment/d9e4002b-120b-426b-834b-402a4a5adce7/00000000-0000-4000-8000-000000000000']).verify(resigned(TRIGGER_FIT_EXAMPLE)))
      .rejects.toMatchObject({ code: 'UNAUTHENTICATED', extensions: { check: 'environment' } });
  });

  it("the simulator's FITs carry every claim of the documented examples, in the same places", () => {
    const site = jira.createSite();
    const trigger = pathsOf(claimsOf(jira.fit(site.clientKey, undefined, { trigger: true })));
    for (const path of pathsOf(TRIGGER_FIT_EXAMPLE)) expect(trigger).toContain(path);
    expect(trigger).not.toContain('principal');
    const user = pathsOf(claimsOf(jira.fit(site.clientKey, 'someone')));
    for (const path of pathsOf(USER_FIT_EXAMPLE)) expect(user).toContain(path);
    const minted = claimsOf(jira.fit(site.clientKey, undefined, { trigger: true })) as { app: { environment: { id: string }; module: { type: string } } };
    expect(minted.app.environment.id).toMatch(/^ari:cloud:ecosystem::environment\/[0-9a-f-]{36}\/[0-9a-f-]{36}$/);
    expect(minted.app.module.type).toBe('core:trigger');
  });

  it("the personal settings link uses the environment's id, not its ARI", () => {
    const url = setupUrl({ baseUrl: '', forgeAppId: 'd60dfafb-a14d-4d56-bf03-0c3823d39e2b', forgeEnvironmentId: USER_FIT_EXAMPLE.app.environment.id }, 'int-1');
    expect(url).toBe('/jira/settings/personal/apps/d60dfafb-a14d-4d56-bf03-0c3823d39e2b/e62535ae-72f9-49da-a8d3-c0b82cab4ca1?integrationId=int-1');
  });
});

describe("the simulator's lifecycle delivery matches the documented event", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
  });
  afterAll(() => h.stop());

  it('sends every documented field of the installed event, and the app takes it', async () => {
    const seen: unknown[] = [];
    const original = h.app.deps.lifecycle.forgeEvent.bind(h.app.deps.lifecycle);
    const spy = jest.spyOn(h.app.deps.lifecycle, 'forgeEvent').mockImplementation(async (request, modules) => {
      seen.push(request.body);
      return original(request, modules);
    });
    const site = await h.installSite();
    spy.mockRestore();
    const paths = pathsOf(seen[0]);
    for (const path of pathsOf(INSTALLED_EVENT_EXAMPLE)) expect(paths).toContain(path);
    const tenant = await h.app.deps.tenants.get(site.clientKey);
    expect(tenant).toMatchObject({ cloudId: site.cloudId, forgeEnvironmentId: site.environmentId });
  });
});

describe('production accepts only its own Forge environment(s)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start((jira) => ({ PATGATE_FORGE_ENVIRONMENT_IDS: `${jira.environmentId('STAGING')}, ${environmentKeyOf(jira.environmentId('PRODUCTION'))}` }));
  });
  afterAll(() => h.stop());

  it('installs and serves the production and staging environments, and refuses development with 401 naming the check', async () => {
    const production = await h.installSite('PRODUCTION');
    const staging = await h.installSite('STAGING');
    for (const site of [production, staging]) expect((await h.call('GET', '/api/me/integrations', { as: { site, accountId: 'u1' } })).status).toBe(200);
    const development = h.jira.createSite(undefined, { environment: 'DEVELOPMENT' });
    expect(await h.jira.installForge(development.clientKey, h.url)).toBe(401);
    expect(await h.app.deps.tenants.get(development.clientKey)).toBeUndefined();
    // A development FIT for a production installation (same app id) is refused as well.
    const fit = h.jira.forgeHeaders(production.clientKey, 'u1');
    const claims = claimsOf(fit.authorization.slice('Bearer '.length)) as { app: { environment: { id: string } } };
    claims.app.environment.id = h.jira.environmentId('DEVELOPMENT');
    const res = await h.call('GET', '/api/me/integrations', { headers: { ...fit, authorization: `Bearer ${h.jira.signFit(claims)}` } });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'UNAUTHENTICATED', check: 'environment' });
  });
});
