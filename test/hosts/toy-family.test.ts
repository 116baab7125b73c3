import { BUILT_IN_KINDS } from '../../lambdas/domain/integration';
import { Secret } from '../../lambdas/domain/secret';
import { BUILT_IN_FAMILIES, hostFamilies } from '../../lambdas/hosts/family-registry';
import { HOST_FAMILIES, HOST_FAMILY_REGISTRY } from '../../lambdas/hosts/host-families';
import { familiesByKind } from '../../lambdas/hosts/host-family';
import { providerLookup, type HostEndpoints } from '../../lambdas/hosts/provider-registry';
import { LOCAL_HOSTS_ALLOWED } from '../../lambdas/hosts/outbound-connections';
import { LoopbackServer } from '../../simulators/kit/loopback-server';
import { openApiDocument } from '../../lambdas/http/openapi-document';
import type { SiteInfo } from '../../simulators/jira/jira-simulator';
import { Harness } from '../support/harness';
import { TOY_KIND, toyFamily } from './toy-family/descriptor';

const ENDPOINTS: HostEndpoints = { githubApiUrl: 'https://api.github.com', githubWebUrl: 'https://github.com', gitlabUrl: 'https://gitlab.com', codecommitEndpoint: undefined };
const OPTIONS = { connectTimeoutMs: 1_000, requestTimeoutMs: 5_000, connections: LOCAL_HOSTS_ALLOWED };

// The whole change a new host family needs: the folder test/hosts/toy-family and this one registry
// line, written as host-families.ts writes its own (the adapter loads on first use).
const REGISTRY = [...HOST_FAMILY_REGISTRY, { family: toyFamily, loadAdapter: async () => (await import('./toy-family/adapter')).createToyProvider }];

/**
 * The toy host: a tiny in-test loopback server, not a simulator of any real host (it is a toy). It
 * knows two personal access tokens and one repository, and answers only what the toy adapter sends.
 */
const TOKENS: Record<string, string> = { 'toy-service-token-1': 'toy-bot', 'toy-user-token-1': 'toy-dev' };
const startToyHost = async () => {
  const branches: { repository: string; name: string; from: string; author: string }[] = [];
  const host = new LoopbackServer((request) => {
    const login = TOKENS[(request.headers.authorization ?? '').replace(/^Bearer /, '')];
    if (!login) return { status: 401, body: { message: 'bad credentials' } };
    if (request.method === 'GET' && request.path === '/toy/api/user') return { status: 200, body: { login } };
    const repository = /^\/toy\/api\/repos\/([^/]+)\/branches$/.exec(request.path)?.[1];
    if (request.method === 'POST' && repository === 'web') {
      const body = JSON.parse(request.rawBody) as { name: string; from: string };
      if (branches.some((b) => b.name === body.name)) return { status: 409, body: { message: 'exists' } };
      branches.push({ repository, name: body.name, from: body.from, author: login });
      return { status: 201, body: { sha: 'abc123' } };
    }
    return { status: 404, body: { message: 'no such route' } };
  });
  await host.start();
  return { host, branches };
};

describe('a new host family is one folder and one registry line', () => {
  let toy: Awaited<ReturnType<typeof startToyHost>>;
  beforeAll(async () => {
    toy = await startToyHost();
  });
  afterAll(() => toy.host.stop());

  it('serves the toy kind through the provider lookup once its registry line is added', async () => {
    const providers = providerLookup(ENDPOINTS, OPTIONS, REGISTRY);
    const integration = { provider: TOY_KIND, baseUrl: `${toy.host.url}/toy` };
    const result = await providers(integration).createBranch({ kind: 'token', token: new Secret('toy-service-token-1') }, { repository: 'web', branchName: 'PAY-1', fromRef: 'main' });
    expect(result).toEqual({ url: `${toy.host.url}/toy/web/tree/PAY-1`, commitId: 'abc123' });
    expect(toy.branches).toContainEqual({ repository: 'web', name: 'PAY-1', from: 'main', author: 'toy-bot' });
    // Without the line the kind has no family.
    expect(() => providerLookup(ENDPOINTS, OPTIONS)(integration)).toThrow(/No host family serves toy/);
  });

  it('reads every rule of the toy family from its descriptor', () => {
    expect(toyFamily.credentialKind(TOY_KIND)).toBe('token');
    expect(toyFamily.baseUrlMisfit(TOY_KIND, new URL('https://h.example/elsewhere'))).toBe('expected https://{host}/toy');
    expect(toyFamily.repositoryId.canonical(' Web ')).toBe('web');
    expect(() => toyFamily.repositoryId.canonical('a/b')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('refuses two families serving the same kind', () => {
    expect(() => familiesByKind([...HOST_FAMILIES, { ...toyFamily, kinds: ['github'] }])).toThrow(/Two host families serve github/);
    expect(() => hostFamilies([...HOST_FAMILIES, { ...toyFamily, kinds: ['github'] }])).toThrow(/Two host families serve github/);
  });

  it('answers for the kinds of its families only', () => {
    expect(hostFamilies([...HOST_FAMILIES, toyFamily]).of(TOY_KIND)).toBe(toyFamily);
    expect(() => BUILT_IN_FAMILIES.of(TOY_KIND)).toThrow(expect.objectContaining({ code: 'INTERNAL', message: 'No host family serves toy.' }));
    expect(() => hostFamilies([])).toThrow(/at least one host family/);
  });

  it('registers every built-in kind exactly once, descriptors and adapters alike', () => {
    expect(HOST_FAMILY_REGISTRY.map((entry) => entry.family)).toEqual(HOST_FAMILIES);
    for (const kind of BUILT_IN_KINDS) expect(BUILT_IN_FAMILIES.of(kind).kinds).toContain(kind);
    expect([...BUILT_IN_FAMILIES.kinds].sort()).toEqual([...BUILT_IN_KINDS].sort());
  });

  it('lists the kinds of the registry in the OpenAPI document: the toy kind only where its family is registered', () => {
    const providerEnum = (document: Record<string, unknown>, schema: 'create' | 'Integration'): unknown => {
      const doc = document as {
        paths: Record<string, { post: { requestBody: { content: Record<string, { schema: { properties: { provider: { enum: string[] } } } }> } } }>;
        components: { schemas: Record<string, { properties: { provider: { enum: string[] } } }> };
      };
      return schema === 'create'
        ? doc.paths['/api/admin/integrations']?.post.requestBody.content['application/json']?.schema.properties.provider.enum
        : doc.components.schemas.Integration?.properties.provider.enum;
    };
    const withToy = openApiDocument(hostFamilies(REGISTRY.map((entry) => entry.family)));
    expect(providerEnum(withToy, 'create')).toEqual([...BUILT_IN_FAMILIES.kinds, TOY_KIND]);
    expect(providerEnum(withToy, 'Integration')).toEqual([...BUILT_IN_FAMILIES.kinds, TOY_KIND]);
    expect(providerEnum(openApiDocument(), 'create')).toEqual(BUILT_IN_FAMILIES.kinds);
    expect(providerEnum(openApiDocument(), 'Integration')).toEqual(BUILT_IN_FAMILIES.kinds);
  });
});

describe('the toy family through the admin API and a git action (real services, DynamoDB Local, the toy adapter)', () => {
  let toy: Awaited<ReturnType<typeof startToyHost>>;
  let h: Harness;
  let builtIn: Harness;
  let site: SiteInfo;
  const admin = 'admin-1';
  const user = 'toy-dev-account';
  const integrationBody = () => ({ name: 'Toy host', provider: TOY_KIND, baseUrl: `${toy.host.url}/toy`, requireUserPat: true, serviceCredential: { token: 'toy-service-token-1' } });

  beforeAll(async () => {
    toy = await startToyHost();
    // The registry line above, handed to the API as its families and its host adapters. Everything else is the real app.
    h = await Harness.start({}, { families: hostFamilies(REGISTRY.map((entry) => entry.family)), providers: providerLookup(ENDPOINTS, OPTIONS, REGISTRY) });
    builtIn = await Harness.start();
    site = await h.installSite();
    h.jira.grant(site.clientKey, admin, 'ADMINISTER');
    h.jira.grant(site.clientKey, user, 'VIEW_DEV_TOOLS', 'PROJ');
  });
  afterAll(async () => {
    await h.stop();
    await builtIn.stop();
    await toy.host.stop();
  });

  it('creates a toy integration through the admin API; a user saves a PAT and creates a branch on the toy host as themself', async () => {
    const created = await h.call('POST', '/api/admin/integrations', { as: { site, accountId: admin }, body: integrationBody() });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ provider: TOY_KIND, baseUrl: `${toy.host.url}/toy`, requireUserPat: true, serviceCredential: { kind: 'token' } });
    const integrationId = String(created.body.id);
    // Read back through the store's item parser.
    expect((await h.call('GET', `/api/admin/integrations/${integrationId}`, { as: { site, accountId: admin } })).body).toMatchObject({ provider: TOY_KIND });
    const listed = await h.call('GET', '/api/admin/integrations', { as: { site, accountId: admin } });
    expect(listed.body.integrations).toEqual([expect.objectContaining({ id: integrationId, provider: TOY_KIND })]);
    // The family's rules hold: a toy kind needs a base URL, and takes a token.
    const noBase = await h.call('POST', '/api/admin/integrations', { as: { site, accountId: admin }, body: { ...integrationBody(), baseUrl: undefined } });
    expect(noBase.status).toBe(400);
    expect(noBase.body.errors).toEqual([{ field: 'baseUrl', message: 'required for toy' }]);

    const as = { site, accountId: user };
    const body = { integrationId, repositoryId: ' Web ', issueKey: 'PROJ-1', branchName: 'feature/PROJ-1-toy', fromRef: 'main' };
    const refused = await h.call('POST', '/api/git/branches', { as, body });
    expect(refused.status).toBe(428);
    expect(refused.body).toMatchObject({ code: 'PAT_REQUIRED', newTokenUrl: `${toy.host.url}/toy/settings/tokens` });

    const saved = await h.call('PUT', `/api/me/tokens/${integrationId}`, { as, body: { token: 'toy-user-token-1' } });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ provider: TOY_KIND, providerLogin: 'toy-dev', status: 'valid' });
    expect(saved.text).not.toContain('toy-user-token-1');

    const branch = await h.call('POST', '/api/git/branches', { as, body });
    expect(branch.status).toBe(201);
    expect(branch.body).toMatchObject({ url: `${toy.host.url}/toy/web/tree/feature/PROJ-1-toy`, commitId: 'abc123', actedAs: { credential: 'user-pat', login: 'toy-dev' } });
    // The toy host saw the user's own token, on the repository under the toy family's canonical id.
    expect(toy.branches).toContainEqual({ repository: 'web', name: 'feature/PROJ-1-toy', from: 'main', author: 'toy-dev' });
    const audit = await h.call('GET', '/api/admin/audit', { as: { site, accountId: admin }, query: { integrationId } });
    expect(audit.body.entries).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'create-branch', repositoryId: 'web', outcome: 'success', actedAs: { credential: 'user-pat', login: 'toy-dev' } })]));
  });

  it('refuses the toy kind where its family is not registered (400 VALIDATION_FAILED, nothing stored)', async () => {
    const other = await builtIn.installSite();
    builtIn.jira.grant(other.clientKey, admin, 'ADMINISTER');
    const refused = await builtIn.call('POST', '/api/admin/integrations', { as: { site: other, accountId: admin }, body: integrationBody() });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ field: 'provider' })] });
    expect((await builtIn.call('GET', '/api/admin/integrations', { as: { site: other, accountId: admin } })).body).toEqual({ integrations: [] });
  });
});
