import { getBasicHandler, getPersonalAccessTokenHandler, WebApi } from 'azure-devops-node-api';
import { AzureDevOpsSimulator } from '../../../simulators/azure-devops/simulator';
import { AzureDevOpsWorld, kind, MAIN_COMMIT, MAIN_OLD_COMMIT, SERVICE_ACCOUNT, USER } from './azure-devops-world';

let world: AzureDevOpsWorld;

beforeAll(async () => {
  world = await AzureDevOpsWorld.start();
});

afterAll(() => world.stop());

afterEach(() => world.reset());

const basic = (user: string, secret: string): string => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
const SUPPRESS = { 'x-tfs-fedauthredirect': 'Suppress' };

const get = (path: string, headers: Record<string, string> = {}): Promise<Response> => fetch(`${world.sim.url}${path}`, { headers });

const services = kind('Azure DevOps Services');
const tfs2018 = kind('TFS 2018');
const tfs2015 = kind('TFS 2015');

describe('authentication, as each kind of server does it', () => {
  test('Services: a bad PAT gets the 203 HTML sign-in page unless the redirect is suppressed, then 401', async () => {
    const signIn = await get(`${services.path}/_apis/connectionData`, { authorization: basic('', 'nope') });
    expect(signIn.status).toBe(203);
    expect(signIn.headers.get('content-type')).toContain('text/html');
    expect(await signIn.text()).toContain('Sign In');
    const refused = await get(`${services.path}/_apis/connectionData`, { authorization: basic('', 'nope'), ...SUPPRESS });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('Bearer authorization_uri=');
  });

  test('Services: an expired PAT says so; a Basic user:password account is not accepted', async () => {
    const pat = world.pat();
    world.sim.expireToken(pat);
    const expired = await get(`${services.path}/_apis/connectionData`, { authorization: basic('', pat), ...SUPPRESS });
    expect(expired.status).toBe(401);
    expect(decodeURIComponent(expired.headers.get('x-tfs-serviceerror') ?? '')).toBe('Access Denied: The Personal Access Token used has expired.');
    const account = await get(`${services.path}/_apis/connectionData`, { authorization: basic(SERVICE_ACCOUNT, world.servicePassword), ...SUPPRESS });
    expect(account.status).toBe(401);
  });

  test('on premises: a bad credential gets IIS 401 offering Negotiate, NTLM and Basic, never a sign-in page', async () => {
    const refused = await get(`${tfs2018.path}/_apis/connectionData`, { authorization: basic('', 'nope') });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Negotiate, NTLM, Basic realm=/);
    expect(await refused.text()).toContain('401 - Unauthorized');
  });

  test('TFS 2015 refuses a valid PAT like any wrong password, and accepts a Basic service account', async () => {
    const pat = world.pat();
    expect((await get(`${tfs2015.path}/_apis/connectionData`, { authorization: basic('', pat), ...SUPPRESS })).status).toBe(401);
    expect((await get(`${tfs2018.path}/_apis/connectionData`, { authorization: basic('', pat), ...SUPPRESS })).status).toBe(200);
    const account = await get(`${tfs2015.path}/_apis/connectionData`, { authorization: basic(SERVICE_ACCOUNT, world.servicePassword) });
    expect(account.status).toBe(200);
    expect(await account.json()).toMatchObject({
      authenticatedUser: { providerDisplayName: 'patgate service', properties: { Account: { $value: SERVICE_ACCOUNT } } },
      deploymentType: 'onPremises',
    });
  });

  test('the request log keeps no credential', async () => {
    const pat = world.pat();
    await get(`${services.path}/_apis/connectionData`, { authorization: basic('', pat), ...SUPPRESS });
    expect(JSON.stringify(world.sim.requests)).not.toContain(Buffer.from(`:${pat}`).toString('base64'));
    expect(world.sim.requests[0]?.headers.authorization).toBeUndefined();
  });

  test('a token expires by the simulator clock', async () => {
    let now = new Date('2026-06-01T00:00:00Z');
    const sim = new AzureDevOpsSimulator({ now: () => now });
    await sim.start();
    try {
      sim.addCollection({ path: '/org', serverVersion: 'services' });
      const pat = sim.issueToken({ owner: USER, expiresAt: new Date('2026-06-02T00:00:00Z') });
      const call = () => fetch(`${sim.url}/org/_apis/connectionData`, { headers: { authorization: basic('', pat), ...SUPPRESS } });
      expect((await call()).status).toBe(200);
      now = new Date('2026-06-03T00:00:00Z');
      expect((await call()).status).toBe(401);
    } finally {
      await sim.stop();
    }
  });
});

describe('REST API versions', () => {
  const refs = (collection: string) => `${collection}/Fabrikam/_apis/git/repositories/web/refs`;
  const auth = () => ({ authorization: basic('', world.pat()), ...SUPPRESS });

  test('a version above the server is a 400 VssVersionOutOfRangeException naming the latest it speaks', async () => {
    const answer = await get(`${refs(tfs2018.path)}?api-version=5.0`, auth());
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({
      $id: '1',
      innerException: null,
      message: 'The requested REST API version of 5.0 is out of range for this server. The latest REST API version this server supports is 4.1.',
      typeName: 'Microsoft.VisualStudio.Services.WebApi.VssVersionOutOfRangeException, Microsoft.VisualStudio.Services.WebApi',
      typeKey: 'VssVersionOutOfRangeException',
      errorCode: 0,
      eventId: 3000,
    });
  });

  test('no version is a 400; the Accept header parameter counts as one', async () => {
    const missing = await get(refs(tfs2018.path), auth());
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ typeKey: 'VssVersionNotSpecifiedException' });
    expect((await get(refs(tfs2018.path), { ...auth(), accept: 'application/json;api-version=4.1' })).status).toBe(200);
  });

  test('pull requests were preview-only on TFS 2015: the released version needs -preview', async () => {
    const headers = { authorization: basic(SERVICE_ACCOUNT, world.servicePassword), 'content-type': 'application/json' };
    const body = JSON.stringify({ sourceRefName: 'refs/heads/develop', targetRefName: 'refs/heads/main', title: 't' });
    const url = `${world.sim.url}${tfs2015.path}/Fabrikam/_apis/git/repositories/web/pullRequests`;
    const released = await fetch(`${url}?api-version=2.0`, { method: 'POST', headers, body });
    expect(released.status).toBe(400);
    expect(await released.json()).toMatchObject({ typeKey: 'VssInvalidPreviewVersionException' });
    expect((await fetch(`${url}?api-version=2.0-preview.1`, { method: 'POST', headers, body })).status).toBe(201);
  });

  test('OPTIONS _apis/git lists the locations with the versions the server speaks', async () => {
    const list = async (collection: string) =>
      (await (await fetch(`${world.sim.url}${collection}/_apis/git`, { method: 'OPTIONS', headers: auth() })).json()) as {
        value: Array<{ resourceName: string; maxVersion: string; releasedVersion: string }>;
      };
    expect((await list(services.path)).value.map((l) => [l.resourceName, l.maxVersion, l.releasedVersion])).toEqual([
      ['repositories', '7.1', '7.1'],
      ['refs', '7.1', '7.1'],
      ['pullRequests', '7.1', '7.1'],
    ]);
    const old = await (await fetch(`${world.sim.url}${tfs2015.path}/_apis/git`, { method: 'OPTIONS', headers: { authorization: basic(SERVICE_ACCOUNT, world.servicePassword) } })).json();
    expect((old as { value: Array<{ resourceName: string; releasedVersion: string }> }).value.find((l) => l.resourceName === 'pullRequests')?.releasedVersion).toBe('0.0');
  });

  test("ResourceAreas exists from REST 3.2 on, so the client's getGitApi() fails on TFS 2015 and 2017 RTM (the adapter does not use it)", async () => {
    const pat = world.pat();
    const onPremises = new WebApi(world.sim.collectionUrl(tfs2018.path), getPersonalAccessTokenHandler(pat, false));
    await expect(onPremises.getGitApi()).resolves.toBeDefined();
    const hosted = new WebApi(world.sim.collectionUrl(services.path), getPersonalAccessTokenHandler(pat, false));
    const areas = await (await get(`${services.path}/_apis/ResourceAreas`, auth())).json();
    expect(areas).toEqual({ value: [{ id: '4e080c62-fa21-4fbc-8fef-2a10a2b38049', name: 'git', locationUrl: `${world.sim.collectionUrl(services.path)}/` }], count: 1 });
    await expect(hosted.getGitApi()).resolves.toBeDefined();
    for (const old of [tfs2015, kind('TFS 2017')]) {
      const handler = old === tfs2015 ? getBasicHandler(SERVICE_ACCOUNT, world.servicePassword, false) : getPersonalAccessTokenHandler(pat, false);
      await expect(new WebApi(world.sim.collectionUrl(old.path), handler).getGitApi()).rejects.toThrow(/Failed to find api location for area: Location/);
    }
  });
});

describe('refs', () => {
  test('the filter is a prefix match ("heads/main" also finds main-old); a filter in the path works too', async () => {
    const headers = { authorization: basic('', world.pat()), ...SUPPRESS };
    const base = `${services.path}/Fabrikam/_apis/git/repositories/web/refs`;
    const byQuery = (await (await get(`${base}?filter=heads/main&api-version=7.1`, headers)).json()) as { value: Array<{ name: string; objectId: string }>; count: number };
    expect(byQuery.value.map((r) => [r.name, r.objectId])).toEqual([
      ['refs/heads/main', MAIN_COMMIT],
      ['refs/heads/main-old', MAIN_OLD_COMMIT],
    ]);
    expect(byQuery.count).toBe(2);
    const byPath = (await (await get(`${base}/heads/develop?api-version=7.1`, headers)).json()) as { value: Array<{ name: string }> };
    expect(byPath.value.map((r) => r.name)).toEqual(['refs/heads/develop']);
  });

  test('a ref update with a bad name or an unknown commit fails inside a 200', async () => {
    const headers = { authorization: basic('', world.pat()), ...SUPPRESS, 'content-type': 'application/json' };
    const answer = await fetch(`${world.sim.url}${services.path}/Fabrikam/_apis/git/repositories/web/refs?api-version=7.1`, {
      method: 'POST',
      headers,
      body: JSON.stringify([
        { name: 'refs/heads/bad..name', oldObjectId: '0'.repeat(40), newObjectId: MAIN_COMMIT },
        { name: 'refs/heads/ok-name', oldObjectId: '0'.repeat(40), newObjectId: 'f'.repeat(40) },
      ]),
    });
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { value: Array<{ updateStatus: string; success: boolean }> }).value.map((r) => [r.updateStatus, r.success])).toEqual([
      ['invalidRefName', false],
      ['unresolvableToCommit', false],
    ]);
  });
});

describe('control API over HTTP', () => {
  const control = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(`${world.sim.url}/_control${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  };

  test('collections, users, tokens, repositories, faults, state and the request log', async () => {
    const collection = await control('POST', '/collections', { path: '/tfs/CurlCollection', serverVersion: '2020' });
    expect(collection).toEqual({ status: 201, body: { url: `${world.sim.url}/tfs/CurlCollection`, path: '/tfs/CurlCollection', serverVersion: '2020', apiVersion: '6.0' } });
    expect((await control('POST', '/users', { login: 'megan@fabrikam.com', displayName: 'Megan' })).status).toBe(201);
    const issued = (await control('POST', '/tokens', { owner: 'megan@fabrikam.com', scopes: ['vso.code_write'] })).body as { token: string };
    expect(issued.token).toMatch(/^[a-z2-7]{52}$/);
    expect(await control('POST', '/repositories', { collection: '/tfs/CurlCollection', project: 'Ops', name: 'infra', branches: { main: MAIN_COMMIT } })).toMatchObject({
      status: 201,
      body: { id: expect.any(String), projectId: expect.any(String) },
    });
    expect(await control('GET', '/branches?collection=/tfs/CurlCollection&repository=Ops/infra&name=main')).toEqual({
      status: 200,
      body: { commitId: MAIN_COMMIT, createdBy: 'Project Collection Administrators' },
    });
    expect((await control('GET', '/branches?collection=/tfs/CurlCollection&repository=Ops/infra&name=nope')).status).toBe(404);
    expect(await control('GET', '/pullrequests?collection=/tfs/CurlCollection&repository=Ops/infra')).toEqual({ status: 200, body: [] });
    expect((await control('POST', '/permissions/deny-create-branch', { collection: '/tfs/CurlCollection', repository: 'Ops/infra', login: 'megan@fabrikam.com' })).status).toBe(204);

    const headers = { authorization: basic('', issued.token), ...SUPPRESS };
    expect((await get('/tfs/CurlCollection/_apis/connectionData', headers)).status).toBe(200);

    expect((await control('POST', '/faults', { preset: 'rate-limit', retryAfterSeconds: 7, pathIncludes: '/CurlCollection/', times: 1 })).status).toBe(204);
    const limited = await get('/tfs/CurlCollection/_apis/connectionData', headers);
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '7']);
    expect(await limited.json()).toMatchObject({ message: expect.stringMatching(/^TF400733: /) });
    expect((await control('POST', '/faults', { status: 503, pathIncludes: '/CurlCollection/' })).status).toBe(204);
    expect((await get('/tfs/CurlCollection/_apis/connectionData', headers)).status).toBe(503);
    expect((await control('DELETE', '/faults')).status).toBe(204);

    expect((await control('POST', '/tokens/revoke', { token: issued.token })).status).toBe(204);
    expect((await get('/tfs/CurlCollection/_apis/connectionData', headers)).status).toBe(401);
    const logged = (await control('GET', '/requests')).body as Array<{ path: string; status: number; headers: Record<string, string> }>;
    expect(logged.map((r) => r.status)).toEqual([200, 429, 503, 401]);
    expect(logged.every((r) => r.headers.authorization === undefined)).toBe(true);
    expect((await control('DELETE', '/requests')).status).toBe(204);
    expect((await control('GET', '/requests')).body).toEqual([]);
  });

  test('bad control input is a 400 with a message; unknown routes 404', async () => {
    expect(await control('POST', '/tokens', {})).toEqual({ status: 400, body: { message: 'owner is required' } });
    expect(await control('POST', '/collections', { path: '/x', serverVersion: '2010' })).toEqual({ status: 400, body: { message: 'unknown server version 2010' } });
    expect((await control('GET', '/nothing')).status).toBe(404);
  });
});
