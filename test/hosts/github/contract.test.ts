import path from 'node:path';
import { createGitHubProvider } from '../../../lambdas/hosts/github/adapter';
import { GitHubSimulator } from '../../../simulators/github/simulator';
import { MAIN_SHA, REPOSITORY, SHORT, seedWorld, tokenCredential, type GitHubWorld } from './github-world';
import { OpenApiContract, type Exchange } from './openapi-contract';
import { sendRequest } from './send-request';

// The CI clone has shared/ beside the repository folder, as this machine does.
const SPECS = path.resolve(__dirname, '../../../../shared/specs/github');

const FLAVOURS = [
  { provider: 'github', prefix: '', spec: 'api.github.com.subset.json' },
  { provider: 'github-enterprise', prefix: '/api/v3', spec: 'ghes-3.17.subset.json' },
] as const;

const sim = new GitHubSimulator();

beforeAll(async () => {
  await sim.start();
});

afterAll(async () => {
  await sim.stop();
});

interface Call {
  readonly method: string;
  readonly path: string;
  readonly token?: string;
  /** JSON-serialised unless a string (sent as is). */
  readonly body?: unknown;
  readonly expect: number;
}

/** Sends one request the way any HTTP client would, and keeps what came back. */
const exchange = async (prefix: string, call: Call): Promise<Exchange> => {
  const headers: Record<string, string> = { accept: 'application/vnd.github+json' };
  if (call.token) headers.authorization = `Bearer ${call.token}`;
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  const body = call.body === undefined ? undefined : typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
  const answer = await sendRequest(`${sim.url}${prefix}${call.path}`, { method: call.method, headers, body });
  return { method: call.method, path: call.path, status: answer.status, headers: answer.headers, body: answer.text };
};

/** Every route patgate's adapter uses, in its success and its error answers. */
const callsFor = (world: GitHubWorld, tokens: { fineGrainedNone: string; fineGrainedRead: string; exhausted: string }, flavour: 'github' | 'github-enterprise'): Call[] => {
  const alice = world.aliceToken;
  const refs = '/repos/acme/widgets/git/refs';
  return [
    { method: 'GET', path: '/user', token: alice, expect: 200 },
    { method: 'GET', path: '/user', token: `ghp_${'0'.repeat(36)}`, expect: 401 },
    { method: 'GET', path: '/user', expect: 401 },
    { method: 'GET', path: '/repos/acme/widgets', token: alice, expect: 200 },
    { method: 'GET', path: '/repos/acme/widgets', token: world.carolToken, expect: 404 },
    { method: 'GET', path: '/repos/acme/nothing', token: alice, expect: 404 },
    { method: 'GET', path: '/repos/acme/widgets/branches/release/1.0', token: alice, expect: 200 },
    { method: 'GET', path: '/repos/acme/widgets/branches/release%2F1.0', token: alice, expect: 200 },
    { method: 'GET', path: '/repos/acme/widgets/branches/nope', token: alice, expect: 404 },
    { method: 'GET', path: '/repos/acme/widgets/git/ref/heads/main', token: alice, expect: 200 },
    { method: 'GET', path: '/repos/acme/widgets/git/ref/heads%2Frelease%2F1.0', token: alice, expect: 200 },
    { method: 'GET', path: '/repos/acme/widgets/git/ref/heads/nope', token: alice, expect: 404 },
    { method: 'GET', path: '/repos/acme/empty/git/ref/heads/main', token: alice, expect: 409 },
    { method: 'GET', path: '/repos/acme/widgets/git/ref/heads/main', token: tokens.fineGrainedNone, expect: 403 },
    { method: 'POST', path: refs, token: alice, body: { ref: 'refs/heads/new', sha: MAIN_SHA }, expect: 201 },
    { method: 'POST', path: refs, token: alice, body: { ref: 'refs/heads/new', sha: MAIN_SHA }, expect: 422 },
    { method: 'POST', path: refs, token: alice, body: { ref: 'heads/bad', sha: MAIN_SHA }, expect: 422 },
    { method: 'POST', path: refs, token: alice, body: { ref: 'refs/heads/orphan', sha: 'c'.repeat(40) }, expect: 422 },
    { method: 'POST', path: refs, token: alice, body: { ref: 'refs/heads/no-sha' }, expect: 422 },
    { method: 'POST', path: refs, token: alice, body: '{"ref": ', expect: 400 },
    { method: 'POST', path: '/repos/acme/empty/git/refs', token: alice, body: { ref: 'refs/heads/first', sha: MAIN_SHA }, expect: 409 },
    { method: 'POST', path: refs, token: world.bobToken, body: { ref: 'refs/heads/bob', sha: MAIN_SHA }, expect: 404 },
    { method: 'POST', path: refs, token: tokens.fineGrainedRead, body: { ref: 'refs/heads/fg', sha: MAIN_SHA }, expect: 403 },
    { method: 'POST', path: refs, token: `ghp_${'0'.repeat(36)}`, body: { ref: 'refs/heads/x', sha: MAIN_SHA }, expect: 401 },
    { method: 'DELETE', path: `${refs}/heads/new`, token: alice, expect: 204 },
    { method: 'DELETE', path: `${refs}/heads/new`, token: alice, expect: 422 },
    { method: 'DELETE', path: `${refs}/heads/main`, token: alice, expect: 422 },
    { method: 'DELETE', path: `${refs}/heads%2Frelease%2F1.0`, token: world.bobToken, expect: 404 },
    { method: 'POST', path: '/repos/acme/widgets/pulls', token: alice, body: { title: 'Release', head: 'release/1.0', base: 'main', body: 'Notes' }, expect: 201 },
    { method: 'POST', path: '/repos/acme/widgets/pulls', token: alice, body: { title: 'Again', head: 'release/1.0', base: 'main' }, expect: 422 },
    { method: 'POST', path: '/repos/acme/widgets/pulls', token: alice, body: { title: 'Nope', head: 'nope', base: 'main' }, expect: 422 },
    { method: 'POST', path: '/repos/acme/widgets/pulls', token: alice, body: { title: 'Same', head: 'main', base: 'main' }, expect: 422 },
    { method: 'POST', path: '/repos/acme/widgets/pulls', token: alice, body: { head: 'release/1.0', base: 'main' }, expect: 422 },
    { method: 'POST', path: '/repos/acme/widgets/pulls', token: tokens.fineGrainedRead, body: { title: 'FG', head: 'release/1.0', base: 'main' }, expect: 403 },
    { method: 'POST', path: '/repos/acme/widgets/pulls', token: world.carolToken, body: { title: 'C', head: 'release/1.0', base: 'main' }, expect: 404 },
    // Enterprise Server ships with rate limits off; github.com's primary limit answers 403.
    ...(flavour === 'github' ? [{ method: 'GET', path: '/user', token: tokens.exhausted, expect: 403 }] : []),
  ];
};

describe.each(FLAVOURS)('simulator responses against $spec', ({ provider, prefix, spec }) => {
  const contract = new OpenApiContract(path.join(SPECS, spec));

  it('conform to GitHub\'s OpenAPI for every route, success and error', async () => {
    const world = seedWorld(sim);
    sim.seedRepository({ fullName: 'acme/empty', branches: {}, collaborators: { alice: 'write' } });
    sim.pushCommit(REPOSITORY, 'release/1.0');
    sim.setRateLimitRemaining('dave', 0);
    const tokens = {
      exhausted: sim.issueToken({ login: 'dave' }),
      fineGrainedNone: sim.issueToken({ login: 'alice', kind: 'fine-grained', permissions: {} }),
      fineGrainedRead: sim.issueToken({ login: 'alice', kind: 'fine-grained', permissions: { contents: 'read', pull_requests: 'read' } }),
    };
    const calls = callsFor(world, tokens, provider);
    const exchanges: Exchange[] = [];
    for (const call of calls) exchanges.push(await exchange(prefix, call));

    expect(exchanges.map((answer, index) => `${calls[index]?.method} ${calls[index]?.path} → ${answer.status}`)).toEqual(
      calls.map((call) => `${call.method} ${call.path} → ${call.expect}`),
    );
    expect(exchanges.flatMap((answer) => contract.responseProblems(answer))).toEqual([]);
    expect(sim.requests).toHaveLength(calls.length);
    const covered = new Set(exchanges.map((answer) => `${answer.method} ${contract.template(answer.method, answer.path)}`));
    expect([...covered].sort()).toEqual([
      'DELETE /repos/{owner}/{repo}/git/refs/{ref}',
      'GET /repos/{owner}/{repo}',
      'GET /repos/{owner}/{repo}/branches/{branch}',
      'GET /repos/{owner}/{repo}/git/ref/{ref}',
      'GET /user',
      'POST /repos/{owner}/{repo}/git/refs',
      'POST /repos/{owner}/{repo}/pulls',
    ]);
  });

  it('answers with GitHub\'s headers', async () => {
    const world = seedWorld(sim);
    const answer = await exchange(prefix, { method: 'GET', path: '/repos/acme/widgets/git/ref/heads/main', token: world.aliceToken, expect: 200 });
    expect(answer.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'x-github-media-type': 'github.v3; format=json',
      'x-oauth-scopes': 'repo, user',
      'x-accepted-oauth-scopes': 'repo',
      'github-authentication-token-expiration': '2031-01-01 00:00:00 UTC',
    });
    expect(answer.headers['x-github-request-id']).toMatch(/^[0-9A-F]{4}:[0-9A-F]{4}:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}$/);
    if (provider === 'github') expect(answer.headers).toMatchObject({ 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4999', 'x-ratelimit-resource': 'core' });
    else expect(answer.headers).toMatchObject({ 'x-github-enterprise-version': '3.17.0' });
    const rejected = await exchange(prefix, { method: 'GET', path: '/user', token: 'nope', expect: 401 });
    const docs = provider === 'github' ? 'https://docs.github.com/rest' : 'https://docs.github.com/enterprise-server@3.17/rest';
    expect(JSON.parse(rejected.body)).toEqual({ message: 'Bad credentials', documentation_url: docs, status: '401' });
  });

  it('receives from the adapter only request bodies the spec allows', async () => {
    const world = seedWorld(sim);
    const github = createGitHubProvider(sim.hostTarget(provider), SHORT);
    const alice = tokenCredential(world.aliceToken);
    await github.verifyToken(alice);
    await github.createBranch(alice, { repository: REPOSITORY, branchName: 'feature/ABC-7', fromRef: 'release/1.0' });
    sim.pushCommit(REPOSITORY, 'feature/ABC-7');
    await github.createPullRequest(alice, { repository: REPOSITORY, sourceBranch: 'feature/ABC-7', targetBranch: 'main', title: 'ABC-7', description: 'Body' });
    await github.deleteBranch(alice, { repository: REPOSITORY, branchName: 'feature/ABC-7' });
    const relative = sim.requests.map((request) => ({ ...request, path: request.path.slice(prefix.length) }));
    expect(relative.map((request) => `${request.method} ${contract.template(request.method, request.path)} ${request.status}`)).toEqual([
      'GET /user 200',
      'GET /repos/{owner}/{repo}/git/ref/{ref} 200',
      'POST /repos/{owner}/{repo}/git/refs 201',
      'POST /repos/{owner}/{repo}/pulls 201',
      'DELETE /repos/{owner}/{repo}/git/refs/{ref} 204',
    ]);
    expect(relative.flatMap((request) => contract.requestProblems(request.method, request.path, request.body))).toEqual([]);
  });
});
