import { GitHubSimulator } from '../../../simulators/github/simulator';
import { MAIN_SHA, REPOSITORY, seedWorld } from './github-world';
import { sendRequest } from './send-request';

const sim = new GitHubSimulator();

beforeAll(async () => {
  await sim.start();
});

afterAll(async () => {
  await sim.stop();
});

beforeEach(() => {
  sim.reset();
});

interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly json: unknown;
}

const send = async (method: string, path: string, options: { body?: unknown; authorization?: string } = {}): Promise<Answer> => {
  const headers: Record<string, string> = {};
  if (options.authorization) headers.authorization = options.authorization;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const answer = await sendRequest(`${sim.url}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  return { status: answer.status, headers: answer.headers, json: answer.text === '' ? undefined : JSON.parse(answer.text) };
};

describe('control over HTTP (/_control)', () => {
  it('seeds a repository, issues a token, and shows what the token\'s user created', async () => {
    const seeded = await send('POST', '/_control/repositories', {
      body: { fullName: 'acme/api', private: true, branches: { main: MAIN_SHA }, collaborators: { dana: 'write' } },
    });
    expect(seeded).toMatchObject({ status: 201, json: { fullName: 'acme/api', branches: [{ name: 'main', commitId: MAIN_SHA, createdBy: null }] } });
    const issued = await send('POST', '/_control/tokens', { body: { login: 'dana', scopes: ['repo'], expiresAt: '2030-01-01T00:00:00Z' } });
    expect(issued.status).toBe(201);
    const { token } = issued.json as { token: string };
    expect(token).toMatch(/^ghp_[A-Za-z0-9]{36}$/);

    const created = await send('POST', '/repos/acme/api/git/refs', { authorization: `token ${token}`, body: { ref: 'refs/heads/feature/x', sha: MAIN_SHA } });
    expect(created.status).toBe(201);
    expect(await send('GET', '/_control/repositories/acme/api/branches/feature/x')).toMatchObject({
      status: 200,
      json: { name: 'feature/x', commitId: MAIN_SHA, createdBy: 'dana' },
    });

    const pushed = await send('POST', '/_control/repositories/acme/api/commits', { body: { branch: 'feature/x' } });
    expect(pushed).toMatchObject({ status: 201, json: { branch: 'feature/x', commitId: expect.stringMatching(/^[0-9a-f]{40}$/) } });
    const pull = await send('POST', '/api/v3/repos/acme/api/pulls', { authorization: `Bearer ${token}`, body: { title: 'X', head: 'feature/x', base: 'main' } });
    expect(pull.status).toBe(201);
    expect(await send('GET', '/_control/repositories/acme/api/pulls')).toMatchObject({
      status: 200,
      json: [{ number: 1, title: 'X', head: 'feature/x', base: 'main', createdBy: 'dana', url: `${sim.url}/acme/api/pull/1` }],
    });
  });

  it('revokes and expires tokens (the token travels in the body)', async () => {
    const revoked = sim.issueToken({ login: 'erin' });
    const expired = sim.issueToken({ login: 'erin' });
    expect((await send('POST', '/_control/tokens/revoke', { body: { token: revoked } })).status).toBe(204);
    expect((await send('POST', '/_control/tokens/expire', { body: { token: expired } })).status).toBe(204);
    expect((await send('POST', '/_control/tokens/revoke', { body: { token: 'ghp_unknown' } })).status).toBe(404);
    for (const token of [revoked, expired]) {
      const answer = await send('GET', '/user', { authorization: `token ${token}` });
      expect(answer).toMatchObject({ status: 401, json: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' } });
    }
  });

  it('grants and withdraws push rights', async () => {
    seedWorld(sim);
    const bob = sim.issueToken({ login: 'bob' });
    const push = (): Promise<Answer> => send('POST', `/repos/${REPOSITORY}/git/refs`, { authorization: `token ${bob}`, body: { ref: 'refs/heads/bob', sha: MAIN_SHA } });
    expect((await push()).status).toBe(404);
    expect((await send('PUT', `/_control/repositories/${REPOSITORY}/collaborators/bob`, { body: { permission: 'write' } })).status).toBe(204);
    expect((await push()).status).toBe(201);
    expect((await send('DELETE', `/_control/repositories/${REPOSITORY}/collaborators/bob`)).status).toBe(204);
    expect((await send('GET', `/repos/${REPOSITORY}`, { authorization: `token ${bob}` })).status).toBe(404);
  });

  it('injects and clears faults, lists and clears the request log, and leaves control calls out of it', async () => {
    expect((await send('POST', '/_control/faults', { body: { status: 503, pathIncludes: '/user', times: 1 } })).status).toBe(204);
    expect((await send('GET', '/user')).status).toBe(503);
    expect((await send('GET', '/user')).status).toBe(401);
    const log = await send('GET', '/_control/requests');
    expect(log.json).toEqual([expect.objectContaining({ method: 'GET', path: '/user', status: 503 }), expect.objectContaining({ status: 401 })]);
    await send('POST', '/_control/faults', { body: { status: 500 } });
    expect((await send('DELETE', '/_control/faults')).status).toBe(204);
    expect((await send('GET', '/user')).status).toBe(401);
    expect((await send('DELETE', '/_control/requests')).status).toBe(204);
    expect(sim.requests).toEqual([]);
  });

  it('sets the rate-limit budget of a user', async () => {
    const token = sim.issueToken({ login: 'fay' });
    expect((await send('PUT', '/_control/rate-limits/fay', { body: { remaining: 0 } })).status).toBe(204);
    const limited = await send('GET', '/user', { authorization: `token ${token}` });
    expect(limited.status).toBe(403);
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(limited.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);
    expect((limited.json as { message: string }).message).toMatch(/^API rate limit exceeded for user ID \d+\.$/);
    // Enterprise Server has rate limits off by default.
    const enterprise = await send('GET', '/api/v3/user', { authorization: `token ${token}` });
    expect(enterprise.status).toBe(200);
    expect(enterprise.headers['x-ratelimit-remaining']).toBeUndefined();
  });

  it('refuses malformed control input with 400 and unknown control routes with 404', async () => {
    expect((await send('POST', '/_control/tokens', { body: { kind: 'classic' } })).status).toBe(400);
    expect((await send('POST', '/_control/repositories', { body: { private: true } })).status).toBe(400);
    expect((await send('POST', '/_control/repositories', { body: { fullName: 'a/b', branches: { main: 'not-a-sha' } } })).status).toBe(400);
    expect((await send('GET', '/_control/nothing')).status).toBe(404);
    expect((await send('GET', '/_control/repositories/acme/none/pulls')).status).toBe(404);
  });
});

describe('GitHub behaviour', () => {
  it('counts the primary rate limit per user on github.com', async () => {
    const token = sim.issueToken({ login: 'gus' });
    const first = await send('GET', '/user', { authorization: `token ${token}` });
    const second = await send('GET', '/user', { authorization: `token ${token}` });
    expect([first.headers['x-ratelimit-remaining'], second.headers['x-ratelimit-remaining']]).toEqual(['4999', '4998']);
    expect(second.headers['x-ratelimit-used']).toBe('2');
  });

  it('shows public repositories to anyone and private ones to nobody but collaborators', async () => {
    seedWorld(sim);
    sim.seedRepository({ fullName: 'acme/open', branches: { main: MAIN_SHA } });
    expect((await send('GET', '/repos/acme/open')).status).toBe(200);
    expect(await send('GET', `/repos/${REPOSITORY}`)).toMatchObject({ status: 404, json: { message: 'Not Found', status: '404' } });
    expect(await send('GET', '/user')).toMatchObject({ status: 401, json: { message: 'Requires authentication' } });
  });

  it('lets a public_repo token write to public repositories only', async () => {
    seedWorld(sim);
    sim.seedRepository({ fullName: 'alice/open', branches: { main: MAIN_SHA } });
    const token = sim.issueToken({ login: 'alice', scopes: ['public_repo'] });
    const onPublic = await send('POST', '/repos/alice/open/git/refs', { authorization: `token ${token}`, body: { ref: 'refs/heads/x', sha: MAIN_SHA } });
    expect(onPublic.status).toBe(201);
    const onPrivate = await send('POST', `/repos/${REPOSITORY}/git/refs`, { authorization: `token ${token}`, body: { ref: 'refs/heads/x', sha: MAIN_SHA } });
    expect(onPrivate.status).toBe(404);
    expect(onPublic.headers['x-oauth-scopes']).toBe('public_repo');
  });

  it('tells a fine-grained token which permission it lacks, and sends it no scopes header', async () => {
    seedWorld(sim);
    const token = sim.issueToken({ login: 'alice', kind: 'fine-grained', permissions: { contents: 'write' } });
    const refused = await send('POST', `/repos/${REPOSITORY}/pulls`, { authorization: `Bearer ${token}`, body: { title: 't', head: 'release/1.0', base: 'main' } });
    expect(refused).toMatchObject({ status: 403, json: { message: 'Resource not accessible by personal access token' } });
    expect(refused.headers['x-accepted-github-permissions']).toBe('pull_requests=write');
    expect(refused.headers['x-oauth-scopes']).toBeUndefined();
  });

  it('keeps the request log free of credentials', async () => {
    const token = sim.issueToken({ login: 'hal' });
    await send('GET', '/user', { authorization: `token ${token}` });
    expect(sim.requests).toHaveLength(1);
    expect(JSON.stringify(sim.requests)).not.toContain(token);
  });

  it('answers unknown routes with GitHub\'s 404', async () => {
    expect(await send('GET', '/repos/acme/widgets/issues')).toMatchObject({ status: 404, json: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } });
  });
});
