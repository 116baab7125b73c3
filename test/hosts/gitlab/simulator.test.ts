import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { GitLabSimulator } from '../../../simulators/gitlab/simulator';
import {
  branchSchema,
  currentUserSchema,
  grapeErrorSchema,
  mergeRequestSchema,
  messageErrorSchema,
  oauthErrorSchema,
  personalAccessTokenSchema,
  projectSchema,
} from './gitlab-rest-schemas';
import { MAIN_SHA, PROJECT_PATH, seedScenario, type GitLabScenario } from './gitlab-scenario';

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);

const expectShape = (schema: object, body: unknown): void => {
  const validate = ajv.compile(schema);
  expect(validate(body) ? [] : validate.errors).toEqual([]);
};

const PROJECT = encodeURIComponent(PROJECT_PATH);

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
  readonly text: string;
}

const call = async (url: string, init: RequestInit = {}): Promise<Answer> => {
  const response = await fetch(url, init);
  const text = await response.text();
  const isJson = (response.headers.get('content-type') ?? '').includes('application/json');
  return { status: response.status, headers: response.headers, text, body: isJson && text !== '' ? (JSON.parse(text) as unknown) : text };
};

const asUser = (token: string, extra: Record<string, string> = {}): Record<string, string> => ({ 'PRIVATE-TOKEN': token, ...extra });
const jsonBody = (body: unknown): { headers: Record<string, string>; body: string } => ({
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('GitLab simulator, REST v4 wire format', () => {
  const sim = new GitLabSimulator();
  let world: GitLabScenario;
  const api = (path: string, init?: RequestInit): Promise<Answer> => call(`${sim.url}/api/v4${path}`, init);
  const post = (path: string, token: string, body: unknown): Promise<Answer> => {
    const { headers, body: text } = jsonBody(body);
    return api(path, { method: 'POST', headers: { ...headers, ...asUser(token) }, body: text });
  };

  beforeAll(() => sim.start());
  afterAll(() => sim.stop());
  beforeEach(() => {
    sim.reset();
    sim.clearFaults();
    sim.clearRequests();
    world = seedScenario(sim);
  });

  describe('documented shapes', () => {
    it('has schemas that reject what GitLab would not send', () => {
      const valid = ajv.compile(branchSchema);
      expect(valid({ name: 'main', merged: false, protected: true, default: true, developers_can_push: false, developers_can_merge: false, can_push: true, web_url: 'x' })).toBe(false);
      expect(ajv.compile(personalAccessTokenSchema)({ id: 1, name: 't', revoked: false, created_at: '2024-01-01T00:00:00Z', description: '', scopes: ['api'], user_id: 1, last_used_at: null, active: true, expires_at: '2024-01-01T00:00:00Z' })).toBe(false);
      expect(ajv.compile(messageErrorSchema)({ error: '404 Not Found' })).toBe(false);
    });

    it('serves the current user and the token itself', async () => {
      const user = await api('/user', { headers: asUser(world.alice) });
      expect(user.status).toBe(200);
      expectShape(currentUserSchema, user.body);
      expect(user.body).toMatchObject({ username: 'alice', name: 'Alice Liddell' });

      const token = await api('/personal_access_tokens/self', { headers: asUser(world.alice) });
      expect(token.status).toBe(200);
      expectShape(personalAccessTokenSchema, token.body);
      expect(token.body).toMatchObject({ scopes: ['api'], expires_at: world.aliceExpiresAt, active: true, revoked: false, user_id: (user.body as { id: number }).id });
    });

    it('serves a project, by URL-encoded path and by numeric id', async () => {
      const byPath = await api(`/projects/${PROJECT}`, { headers: asUser(world.alice) });
      expectShape(projectSchema, byPath.body);
      expect(byPath.body).toMatchObject({ id: world.project.id, path_with_namespace: PROJECT_PATH, default_branch: 'main', web_url: `${sim.url}/${PROJECT_PATH}` });
      const byId = await api(`/projects/${world.project.id}`, { headers: asUser(world.alice) });
      expect(byId.body).toEqual(byPath.body);
    });

    it('creates a branch from query parameters as in the docs, and serves it', async () => {
      const created = await api(`/projects/${PROJECT}/repository/branches?branch=newbranch&ref=main`, { method: 'POST', headers: asUser(world.alice) });
      expect(created.status).toBe(201);
      expectShape(branchSchema, created.body);
      expect(created.body).toMatchObject({ name: 'newbranch', default: false, can_push: true, web_url: `${sim.url}/${PROJECT_PATH}/-/tree/newbranch`, commit: { id: MAIN_SHA } });

      const shown = await api(`/projects/${PROJECT}/repository/branches/main`, { headers: asUser(world.rita) });
      expect(shown.status).toBe(200);
      expectShape(branchSchema, shown.body);
      expect(shown.body).toMatchObject({ name: 'main', default: true, protected: true, can_push: false });
    });

    it('creates a merge request with the acting user as author', async () => {
      const created = await post(`/projects/${PROJECT}/merge_requests`, world.alice, { source_branch: 'release/1.0', target_branch: 'main', title: 'Draft: release' });
      expect(created.status).toBe(201);
      expectShape(mergeRequestSchema, created.body);
      expect(created.body).toMatchObject({ iid: 1, state: 'opened', draft: true, author: { username: 'alice' }, web_url: `${sim.url}/${PROJECT_PATH}/-/merge_requests/1` });
      expect(sim.listPullRequests(PROJECT_PATH)).toEqual([expect.objectContaining({ iid: 1, createdBy: 'alice' })]);
    });
  });

  describe('tokens', () => {
    it("issues tokens shaped like GitLab's: glpat- and 20 characters, or a self-managed instance's own prefix", async () => {
      expect(world.alice).toMatch(/^glpat-[0-9A-Za-z_-]{20}$/);
      const selfManaged = new GitLabSimulator({ tokenPrefix: 'acme-' });
      expect(selfManaged.issueToken({ username: 'zoe' }).token).toMatch(/^acme-[0-9A-Za-z_-]{20}$/);
    });

    it('takes the token as PRIVATE-TOKEN, as Authorization: Bearer, or as private_token', async () => {
      expect((await api('/user', { headers: asUser(world.alice) })).status).toBe(200);
      expect((await api('/user', { headers: { authorization: `Bearer ${world.alice}` } })).status).toBe(200);
      expect((await api(`/user?private_token=${world.alice}`)).status).toBe(200);
    });

    it('answers 401 "401 Unauthorized" without a token or with an unknown one', async () => {
      for (const headers of [{}, asUser(`glpat-${'0'.repeat(20)}`)]) {
        const answer = await api('/user', { headers });
        expect(answer.status).toBe(401);
        expect(answer.body).toEqual({ message: '401 Unauthorized' });
      }
    });

    it.each([
      ['an expired', (w: GitLabScenario) => w.aliceExpired, 'Token is expired. You can either do re-authorization or token refresh.'],
      ['a revoked', (w: GitLabScenario) => w.aliceRevoked, 'Token was revoked. You have to re-authorize from the user.'],
    ])('answers 401 invalid_token for %s token, with WWW-Authenticate', async (_label, pick, description) => {
      const answer = await api('/user', { headers: asUser(pick(world)) });
      expect(answer.status).toBe(401);
      expectShape(oauthErrorSchema, answer.body);
      expect(answer.body).toEqual({ error: 'invalid_token', error_description: description });
      expect(answer.headers.get('www-authenticate')).toBe(`Bearer realm="Protected by OAuth 2.0", error="invalid_token", error_description="${description}"`);
    });

    it('answers 403 insufficient_scope naming the scopes the route accepts', async () => {
      const write = await post(`/projects/${PROJECT}/repository/branches`, world.aliceReadApi, { branch: 'x', ref: 'main' });
      expect(write.status).toBe(403);
      expectShape(oauthErrorSchema, write.body);
      expect(write.body).toEqual({ error: 'insufficient_scope', error_description: 'The request requires higher privileges than provided by the access token.', scope: 'api' });

      const read = await api('/user', { headers: asUser(world.aliceWriteRepository) });
      expect(read.status).toBe(403);
      expect(read.body).toMatchObject({ error: 'insufficient_scope', scope: 'api read_api read_user' });

      const self = await api('/personal_access_tokens/self', { headers: asUser(world.aliceWriteRepository) });
      expect(self.body).toMatchObject({ scopes: ['write_repository'] });
    });

    it('treats a token as expired from the start of its expiry date, UTC', async () => {
      let now = new Date('2030-05-31T23:59:59.000Z');
      const clocked = new GitLabSimulator({ now: () => now });
      await clocked.start();
      try {
        const { token } = clocked.issueToken({ username: 'alice', expiresAt: '2030-06-01' });
        expect((await call(`${clocked.url}/api/v4/user`, { headers: asUser(token) })).status).toBe(200);
        now = new Date('2030-06-01T00:00:00.000Z');
        expect((await call(`${clocked.url}/api/v4/user`, { headers: asUser(token) })).body).toMatchObject({ error_description: expect.stringContaining('expired') });
      } finally {
        await clocked.stop();
      }
    });

    it('expires and revokes on request', async () => {
      sim.expireToken(world.alice);
      expect((await api('/user', { headers: asUser(world.alice) })).body).toMatchObject({ error: 'invalid_token', error_description: expect.stringContaining('expired') });
      sim.revokeToken(world.bob);
      expect((await api('/user', { headers: asUser(world.bob) })).body).toMatchObject({ error: 'invalid_token', error_description: expect.stringContaining('revoked') });
    });

    it('has no /personal_access_tokens/self when it plays GitLab before 15.5', async () => {
      const old = new GitLabSimulator({ tokenSelfEndpoint: false });
      await old.start();
      try {
        const { token } = old.issueToken({ username: 'alice' });
        const answer = await call(`${old.url}/api/v4/personal_access_tokens/self`, { headers: asUser(token) });
        expect(answer.status).toBe(404);
        expectShape(grapeErrorSchema, answer.body);
        expect(answer.body).toEqual({ error: '404 Not Found' });
      } finally {
        await old.stop();
      }
    });
  });

  describe('permissions', () => {
    it('hides a private project from a non-member: 404 "404 Project Not Found"', async () => {
      const answer = await api(`/projects/${PROJECT}`, { headers: asUser(world.bob) });
      expect(answer.status).toBe(404);
      expectShape(messageErrorSchema, answer.body);
      expect(answer.body).toEqual({ message: '404 Project Not Found' });
    });

    it('lets a reporter read but not push: 403 "403 Forbidden"', async () => {
      const answer = await post(`/projects/${PROJECT}/repository/branches`, world.rita, { branch: 'x', ref: 'main' });
      expect(answer.status).toBe(403);
      expect(answer.body).toEqual({ message: '403 Forbidden' });
      const mr = await post(`/projects/${PROJECT}/merge_requests`, world.rita, { source_branch: 'release/1.0', target_branch: 'main', title: 't' });
      expect(mr.status).toBe(403);
    });

    it('keeps the code of a private project from a guest, and shows a public one to anyone', async () => {
      sim.addMember(PROJECT_PATH, 'bob', 'guest');
      expect((await api(`/projects/${PROJECT}`, { headers: asUser(world.bob) })).status).toBe(200);
      expect((await api(`/projects/${PROJECT}/repository/branches/main`, { headers: asUser(world.bob) })).status).toBe(403);

      sim.seedProject({ path: 'acme/open', visibility: 'public' });
      expect((await api(`/projects/${encodeURIComponent('acme/open')}/repository/branches/main`, { headers: asUser(world.rita) })).status).toBe(200);
      expect((await post(`/projects/${encodeURIComponent('acme/open')}/repository/branches`, world.rita, { branch: 'x', ref: 'main' })).status).toBe(403);
    });
  });

  describe('branch errors', () => {
    it.each([
      ['no parameters', {}, 400, { error: 'branch is missing, ref is missing' }],
      ['a blank ref', { branch: 'x', ref: ' ' }, 400, { error: 'ref is empty' }],
      ['an existing branch', { branch: 'release/1.0', ref: 'main' }, 400, { message: 'Branch already exists' }],
      ['an invalid name', { branch: 'bad..name', ref: 'main' }, 400, { message: 'Branch name is invalid' }],
      ['an unknown ref', { branch: 'x', ref: 'nope' }, 400, { message: "Failed to create branch 'x': invalid reference name 'nope'" }],
    ])('answers %s as GitLab does', async (_label, body, status, expected) => {
      const answer = await post(`/projects/${PROJECT}/repository/branches`, world.alice, body);
      expect(answer.status).toBe(status);
      expect(answer.body).toEqual(expected);
      expect(sim.listBranches(PROJECT_PATH)).toHaveLength(2);
    });

    it('only matches a URL-encoded project path: a raw slash is another route', async () => {
      const answer = await post(`/projects/${PROJECT_PATH}/repository/branches`, world.alice, { branch: 'x', ref: 'main' });
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual({ error: '404 Not Found' });
    });

    it('deletes an URL-encoded branch with 204, refuses the default branch, and 404s a missing one', async () => {
      const deleted = await api(`/projects/${PROJECT}/repository/branches/release%2F1.0`, { method: 'DELETE', headers: asUser(world.alice) });
      expect(deleted.status).toBe(204);
      expect(deleted.text).toBe('');
      expect(sim.getBranch(PROJECT_PATH, 'release/1.0')).toBeUndefined();

      const main = await api(`/projects/${PROJECT}/repository/branches/main`, { method: 'DELETE', headers: asUser(world.alice) });
      expect(main.status).toBe(400);
      expect(main.body).toEqual({ message: 'The default branch of a project cannot be deleted.' });

      const missing = await api(`/projects/${PROJECT}/repository/branches/release%2F1.0`, { method: 'DELETE', headers: asUser(world.alice) });
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ message: '404 Branch Not Found' });
    });

    it('answers 405 for a known path with another method', async () => {
      const answer = await api(`/projects/${PROJECT}/repository/branches`, { method: 'PUT', headers: asUser(world.alice) });
      expect(answer.status).toBe(405);
      expect(answer.body).toEqual({ error: '405 Not Allowed' });
    });
  });

  describe('merge request errors', () => {
    const mr = (body: Record<string, string>): Promise<Answer> => post(`/projects/${PROJECT}/merge_requests`, world.alice, body);

    it('answers 409 with the open one named for a second merge request of the same branches', async () => {
      await mr({ source_branch: 'release/1.0', target_branch: 'main', title: 'one' });
      const second = await mr({ source_branch: 'release/1.0', target_branch: 'main', title: 'two' });
      expect(second.status).toBe(409);
      expectShape(messageErrorSchema, second.body);
      expect(second.body).toEqual({ message: ['Another open merge request already exists for this source branch: !1'] });
    });

    it.each([
      ['a missing source branch', { source_branch: 'nope', target_branch: 'main', title: 't' }, 422, { message: ['Source branch "nope" does not exist'] }],
      ['a missing target branch', { source_branch: 'release/1.0', target_branch: 'nope', title: 't' }, 422, { message: ['Target branch "nope" does not exist'] }],
      ['the same branches', { source_branch: 'main', target_branch: 'main', title: 't' }, 422, { message: ['You must select different branches'] }],
      ['no title', { source_branch: 'release/1.0', target_branch: 'main' }, 400, { error: 'title is missing' }],
    ])('answers %s as GitLab does', async (_label, body, status, expected) => {
      const answer = await mr(body);
      expect(answer.status).toBe(status);
      expect(answer.body).toEqual(expected);
      expect(sim.listPullRequests(PROJECT_PATH)).toHaveLength(0);
    });
  });

  it('logs requests without credentials', async () => {
    await api('/user', { headers: asUser(world.alice, { authorization: `Bearer ${world.alice}` }) });
    expect(sim.requests).toHaveLength(1);
    expect(JSON.stringify(sim.requests)).not.toContain(world.alice);
  });
});

describe('GitLab simulator control routes (/_control)', () => {
  const sim = new GitLabSimulator();
  const control = (method: string, path: string, body?: unknown): Promise<Answer> =>
    call(`${sim.url}/_control${path}`, body === undefined ? { method } : { method, ...jsonBody(body) });

  beforeAll(() => sim.start());
  afterAll(() => sim.stop());
  beforeEach(() => sim.reset());

  it('seeds a project, adds a member, issues a token, and shows what the token then did', async () => {
    const project = await control('POST', '/projects', { path: 'acme/api', branches: { main: MAIN_SHA }, members: { carol: 'maintainer' } });
    expect(project).toMatchObject({ status: 201, body: { path: 'acme/api', defaultBranch: 'main', webUrl: `${sim.url}/acme/api` } });
    expect((await control('PUT', '/projects/acme%2Fapi/members/dave', { role: 'developer' })).status).toBe(204);
    const issued = await control('POST', '/tokens', { username: 'dave', scopes: ['api'], expiresAt: '2031-01-01' });
    expect(issued).toMatchObject({ status: 201, body: { username: 'dave', scopes: ['api'], expiresAt: '2031-01-01' } });
    const { token } = issued.body as { token: string };

    const created = await call(`${sim.url}/api/v4/projects/acme%2Fapi/repository/branches`, {
      method: 'POST',
      headers: { ...asUser(token), 'content-type': 'application/json' },
      body: JSON.stringify({ branch: 'feature/a', ref: 'main' }),
    });
    expect(created.status).toBe(201);
    expect(await control('GET', '/projects/acme%2Fapi/branches/feature%2Fa')).toMatchObject({ status: 200, body: { name: 'feature/a', commitId: MAIN_SHA, createdBy: 'dave' } });
    expect((await control('GET', '/projects/acme%2Fapi/branches')).body).toHaveLength(2);
    expect(await control('GET', '/projects/acme%2Fapi/merge_requests')).toMatchObject({ status: 200, body: [] });
    expect(await control('GET', '/requests')).toMatchObject({ status: 200, body: [expect.objectContaining({ method: 'POST', status: 201 })] });
  });

  it('revokes and expires tokens, and injects and clears faults', async () => {
    const expiring = sim.issueToken({ username: 'erin' }).token;
    const revoking = sim.issueToken({ username: 'erin' }).token;
    expect((await control('POST', '/tokens/expire', { token: expiring })).status).toBe(204);
    expect((await control('POST', '/tokens/revoke', { token: revoking })).status).toBe(204);
    expect((await call(`${sim.url}/api/v4/user`, { headers: asUser(expiring) })).body).toMatchObject({ error_description: expect.stringContaining('expired') });
    expect((await call(`${sim.url}/api/v4/user`, { headers: asUser(revoking) })).body).toMatchObject({ error_description: expect.stringContaining('revoked') });

    expect((await control('POST', '/faults', { pathIncludes: '/user', status: 503, times: 1 })).status).toBe(204);
    const fresh = sim.issueToken({ username: 'erin' }).token;
    expect((await call(`${sim.url}/api/v4/user`, { headers: asUser(fresh) })).status).toBe(503);
    expect((await control('POST', '/faults', { pathIncludes: '/user', status: 500 })).status).toBe(204);
    expect((await control('DELETE', '/faults')).status).toBe(204);
    expect((await call(`${sim.url}/api/v4/user`, { headers: asUser(fresh) })).status).toBe(200);
  });

  it('refuses bad input with 400 and unknown things with 404', async () => {
    expect(await control('POST', '/projects', { path: 'x', members: { a: 'boss' } })).toMatchObject({ status: 400 });
    expect(await control('POST', '/tokens', { scopes: ['api'] })).toMatchObject({ status: 400 });
    expect(await control('POST', '/tokens/revoke', { token: 'glpat-nope' })).toMatchObject({ status: 404 });
    expect(await control('GET', '/projects/acme%2Fnone/branches')).toMatchObject({ status: 404 });
    expect(await control('GET', '/nothing')).toMatchObject({ status: 404 });
    const notJson = await call(`${sim.url}/_control/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(notJson.status).toBe(400);
  });

  it('resets to an empty GitLab', async () => {
    sim.seedProject({ path: 'acme/gone' });
    expect((await control('POST', '/reset')).status).toBe(204);
    expect(await control('GET', '/projects/acme%2Fgone/branches')).toMatchObject({ status: 404 });
  });
});
