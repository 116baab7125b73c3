import { existsSync } from 'node:fs';
import path from 'node:path';
import { createGitHubProvider } from '../../../lambdas/hosts/github/adapter';
import { GitHubSimulator } from '../../../simulators/github/simulator';
import { LISTING_BUDGET, MAIN_SHA, REPOSITORY, everythingAbout, failureOf, seedWorld, tokenCredential } from './github-world';
import { pinnedListPaths } from './list-route-schemas';
import { OpenApiContract, type Exchange } from './openapi-contract';
import { sendRequest } from './send-request';

// shared/ sits beside the repository folder (the CI clone), or beside the folder of worktrees.
const SPECS = ['../../../../shared/specs/github', '../../../../../shared/specs/github'].map((p) => path.resolve(__dirname, p)).find((p) => existsSync(p)) ?? '';
const FLAVOURS = [
  { provider: 'github', prefix: '', spec: 'api.github.com.subset.json' },
  { provider: 'github-enterprise', prefix: '/api/v3', spec: 'ghes-3.17.subset.json' },
] as const;

const sim = new GitHubSimulator();

beforeAll(async () => {
  await sim.start();
  await createGitHubProvider(sim.hostTarget('github'), LISTING_BUDGET).verifyToken(tokenCredential(seedWorld(sim).aliceToken));
});

afterAll(async () => {
  await sim.stop();
});

const get = async (prefix: string, pathAndQuery: string, token?: string): Promise<Exchange & { query: string }> => {
  const headers: Record<string, string> = { accept: 'application/vnd.github+json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const answer = await sendRequest(`${sim.url}${prefix}${pathAndQuery}`, { method: 'GET', headers });
  const [pathname = '', query = ''] = pathAndQuery.split('?');
  return { method: 'GET', path: pathname, query, status: answer.status, headers: answer.headers, body: answer.text };
};

/** acme/widgets (private: alice write, bob read) plus public and private repositories of others. */
const seedLists = (): ReturnType<typeof seedWorld> => {
  const world = seedWorld(sim);
  sim.seedRepository({ fullName: 'alice/Zeta', branches: { main: MAIN_SHA } });
  sim.seedRepository({ fullName: 'alice/alpha', private: true, branches: { trunk: MAIN_SHA }, defaultBranch: 'trunk' });
  sim.seedRepository({ fullName: 'other/public-thing', branches: { main: MAIN_SHA } });
  sim.seedRepository({ fullName: 'other/private-thing', private: true, branches: { main: MAIN_SHA } });
  return world;
};

describe.each(FLAVOURS)('list routes against the pinned published schemas ($provider)', ({ provider, prefix, spec }) => {
  const contract = new OpenApiContract(path.join(SPECS, spec), pinnedListPaths(path.join(SPECS, spec)));

  it('conform in success and error answers', async () => {
    const world = seedLists();
    sim.setRateLimitRemaining('dave', 0);
    const exhausted = sim.issueToken({ login: 'dave' });
    const calls: [string, string | undefined, number][] = [
      ['/user/repos?per_page=1', world.aliceToken, 200],
      ['/user/repos?per_page=1&page=2', world.aliceToken, 200],
      ['/user/repos?per_page=2&sort=created', world.aliceToken, 200],
      ['/user/repos', undefined, 401],
      ['/user/repos', `ghp_${'0'.repeat(36)}`, 401],
      ['/repos/acme/widgets/branches?per_page=1', world.aliceToken, 200],
      ['/repos/acme/widgets/branches?per_page=1&page=2', world.bobToken, 200],
      ['/repos/acme/widgets/branches', world.carolToken, 404],
      ['/repos/acme/widgets/branches', undefined, 404],
      ['/repos/acme/nothing/branches', world.aliceToken, 404],
      ...(provider === 'github' ? ([['/user/repos', exhausted, 403]] as [string, string, number][]) : []),
    ];
    const answers = [];
    for (const [pathAndQuery, token] of calls) answers.push(await get(prefix, pathAndQuery, token));
    expect(answers.map((a, i) => `${calls[i]?.[0]} → ${a.status}`)).toEqual(calls.map(([p, , status]) => `${p} → ${status}`));
    expect(answers.flatMap((answer) => contract.responseProblems(answer))).toEqual([]);
  });

  it('pages with GitHub\'s Link header and per_page rules', async () => {
    const world = seedLists();
    const first = await get(prefix, '/user/repos?per_page=1', world.aliceToken);
    const base = `${sim.url}${prefix}/user/repos`;
    // alice owns alice/Zeta and alice/alpha and collaborates on acme/widgets: three pages of one, by full name.
    expect(first.headers.link).toBe(`<${base}?per_page=1&page=2>; rel="next", <${base}?per_page=1&page=3>; rel="last"`);
    const middle = await get(prefix, '/user/repos?per_page=1&page=2', world.aliceToken);
    expect(middle.headers.link).toBe(
      `<${base}?per_page=1&page=1>; rel="prev", <${base}?per_page=1&page=3>; rel="next", <${base}?per_page=1&page=3>; rel="last", <${base}?per_page=1&page=1>; rel="first"`,
    );
    const all = await get(prefix, '/user/repos?per_page=500', world.aliceToken);
    expect(all.headers.link).toBeUndefined();
    const repositories = JSON.parse(all.body) as { full_name: string; permissions: { push: boolean } }[];
    expect(repositories.map((r) => r.full_name)).toEqual(['acme/widgets', 'alice/alpha', 'alice/Zeta']);
    expect(repositories.map((r) => r.permissions.push)).toEqual([true, true, true]);
    // bob reads acme/widgets only; a public repository he does not belong to is not "his".
    expect((JSON.parse((await get(prefix, '/user/repos', world.bobToken)).body) as { full_name: string }[]).map((r) => r.full_name)).toEqual(['acme/widgets']);
    // A classic token without `repo` lists public repositories only.
    const publicOnly = sim.issueToken({ login: 'alice', scopes: ['public_repo'] });
    expect((JSON.parse((await get(prefix, '/user/repos', publicOnly)).body) as { full_name: string }[]).map((r) => r.full_name)).toEqual(['alice/Zeta']);
    const branches = JSON.parse((await get(prefix, '/repos/acme/widgets/branches', world.aliceToken)).body) as { name: string }[];
    expect(branches.map((b) => b.name)).toEqual(['main', 'release/1.0']);
  });
});

describe.each(['github', 'github-enterprise'] as const)('GitHub adapter pickers (%s)', (provider) => {
  const apiPrefix = provider === 'github' ? '' : '/api/v3';

  it('lists the token user\'s repositories by full name, filtered case-insensitively', async () => {
    const world = seedLists();
    const github = createGitHubProvider(sim.hostTarget(provider), LISTING_BUDGET);
    const listing = await github.listRepositories(tokenCredential(world.aliceToken), { limit: 50 });
    expect(listing).toEqual({
      truncated: false,
      items: [
        { id: 'acme/widgets', name: 'acme/widgets', defaultBranch: 'main', url: `${sim.url}/acme/widgets` },
        { id: 'alice/alpha', name: 'alice/alpha', defaultBranch: 'trunk', url: `${sim.url}/alice/alpha` },
        { id: 'alice/Zeta', name: 'alice/Zeta', defaultBranch: 'main', url: `${sim.url}/alice/Zeta` },
      ],
    });
    expect(sim.requests.map((r) => `${r.method} ${r.path}?${r.query}`)).toEqual([`GET ${apiPrefix}/user/repos?per_page=100&sort=full_name`]);
    const filtered = await github.listRepositories(tokenCredential(world.aliceToken), { query: 'ZET', limit: 50 });
    expect(filtered.items.map((r) => r.id)).toEqual(['alice/Zeta']);
  });

  it('follows Link rel="next" across pages and stops once it holds one match past the limit', async () => {
    const world = seedWorld(sim);
    for (let i = 0; i < 230; i += 1) sim.seedRepository({ fullName: `alice/r${String(i).padStart(3, '0')}`, branches: { main: MAIN_SHA } });
    const github = createGitHubProvider(sim.hostTarget(provider), LISTING_BUDGET);
    sim.clearRequests();
    const capped = await github.listRepositories(tokenCredential(world.aliceToken), { limit: 50 });
    expect(capped.truncated).toBe(true);
    expect(capped.items).toHaveLength(50);
    expect(sim.requests).toHaveLength(1);
    sim.clearRequests();
    const late = await github.listRepositories(tokenCredential(world.aliceToken), { query: 'r22', limit: 50 });
    expect(late).toMatchObject({ truncated: false });
    expect(late.items.map((r) => r.id)).toEqual(Array.from({ length: 10 }, (_, i) => `alice/r22${i}`));
    expect(sim.requests.map((r) => r.query)).toEqual(['per_page=100&sort=full_name', 'per_page=100&sort=full_name&page=2', 'per_page=100&sort=full_name&page=3']);
  });

  it('lists branches with the default branch first, wherever the host lists it', async () => {
    const world = seedWorld(sim);
    sim.seedRepository({ fullName: 'acme/zdefault', defaultBranch: 'zz-main', branches: { 'zz-main': MAIN_SHA, alpha: MAIN_SHA, beta: MAIN_SHA }, collaborators: { alice: 'write' } });
    const github = createGitHubProvider(sim.hostTarget(provider), LISTING_BUDGET);
    const listing = await github.listBranches(tokenCredential(world.aliceToken), { repository: 'acme/zdefault', limit: 50 });
    expect(listing).toEqual({ truncated: false, items: [{ name: 'zz-main', isDefault: true }, { name: 'alpha', isDefault: false }, { name: 'beta', isDefault: false }] });
    expect(sim.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${apiPrefix}/repos/acme/zdefault`, `GET ${apiPrefix}/repos/acme/zdefault/branches`]);
    const released = await github.listBranches(tokenCredential(world.aliceToken), { repository: REPOSITORY, query: 'RELEASE', limit: 50 });
    expect(released.items).toEqual([{ name: 'release/1.0', isDefault: false }]);
    // An empty repository names a default branch that does not exist yet: nothing to pick.
    sim.seedRepository({ fullName: 'acme/empty', branches: {}, collaborators: { alice: 'write' } });
    expect(await github.listBranches(tokenCredential(world.aliceToken), { repository: 'acme/empty', limit: 50 })).toEqual({ items: [], truncated: false });
  });

  it.each([
    ['a bad token', (w: ReturnType<typeof seedWorld>) => `${w.aliceToken.slice(0, -1)}${w.aliceToken.endsWith('x') ? 'y' : 'x'}`, 'acme/widgets', 'SERVICE_CREDENTIAL_REJECTED', 'unauthorized'],
    ['an invisible repository', (w: ReturnType<typeof seedWorld>) => w.carolToken, 'acme/widgets', 'NOT_FOUND', 'not-found'],
    ['a malformed repository name', (w: ReturnType<typeof seedWorld>) => w.aliceToken, 'widgets', 'VALIDATION_FAILED', 'bad-request'],
  ])('maps %s as the GitProvider contract says', async (_, token, repository, code, hostReason) => {
    const world = seedWorld(sim);
    const github = createGitHubProvider(sim.hostTarget(provider), LISTING_BUDGET);
    const failure = await failureOf(github.listBranches(tokenCredential(token(world)), { repository, limit: 50 }));
    expect({ code: failure.code, hostReason: failure.hostReason }).toEqual({ code, hostReason });
    expect(everythingAbout(failure)).not.toContain(world.aliceToken);
  });

  it('maps 5xx, malformed bodies and rate limits on a list page', async () => {
    const world = seedWorld(sim);
    const github = createGitHubProvider(sim.hostTarget(provider), LISTING_BUDGET);
    const alice = tokenCredential(world.aliceToken);
    sim.injectFault({ pathIncludes: '/user/repos', status: 500 });
    expect((await failureOf(github.listRepositories(alice, { limit: 50 }))).code).toBe('HOST_UNAVAILABLE');
    sim.clearFaults();
    sim.injectFault({ pathIncludes: '/branches', malformedBody: true });
    expect((await failureOf(github.listBranches(alice, { repository: REPOSITORY, limit: 50 }))).code).toBe('HOST_UNAVAILABLE');
    sim.clearFaults();
    sim.injectFault({ pathIncludes: '/user/repos', status: 200, body: { not: 'a list' }, headers: { 'content-type': 'application/json' } });
    expect((await failureOf(github.listRepositories(alice, { limit: 50 }))).code).toBe('HOST_UNAVAILABLE');
    sim.clearFaults();
    sim.injectFault({ pathIncludes: '/user/repos', status: 429, headers: { 'retry-after': '7' }, body: { message: 'slow down' } });
    expect(await failureOf(github.listRepositories(alice, { limit: 50 }))).toMatchObject({ code: 'HOST_RATE_LIMITED', retryAfterSeconds: 7 });
    sim.clearFaults();
  });
});
