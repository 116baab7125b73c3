import { AppError } from '../../../lambdas/domain/errors';
import type { ProviderKind } from '../../../lambdas/domain/integration';
import { Secret } from '../../../lambdas/domain/secret';
import type { GitProvider, HostCallOptions, HostCredential } from '../../../lambdas/hosts/git-provider';
import { createGitLabProvider } from '../../../lambdas/hosts/gitlab/adapter';
import { GitLabSimulator } from '../../../simulators/gitlab/simulator';
import { captureOutput, printedForms } from './capture-output';
import { MAIN_SHA, PROJECT_PATH, RELEASE_SHA, seedScenario, type GitLabScenario } from './gitlab-scenario';
import { untilHangDropped } from './until-hang-dropped';
import { LOCAL_HOSTS_ALLOWED } from '../../../lambdas/hosts/outbound-connections';

const FAST: HostCallOptions = { connectTimeoutMs: 500, requestTimeoutMs: 1_500, connections: LOCAL_HOSTS_ALLOWED };

const credential = (token: string): HostCredential => ({ kind: 'token', token: new Secret(token) });

/** One adapter call, output captured: the token must not show in any output or printed error. */
const run = async <T>(token: string, call: () => Promise<T>): Promise<{ result?: T; error?: unknown }> => {
  const captured = await captureOutput(call);
  expect(captured.output).not.toContain(token);
  if (captured.error !== undefined) expect(printedForms(captured.error)).not.toContain(token);
  return captured;
};

const succeed = async <T>(token: string, call: () => Promise<T>): Promise<T> => {
  const { result, error } = await run(token, call);
  if (error !== undefined) throw error;
  return result as T;
};

const refuse = async (token: string, call: () => Promise<unknown>): Promise<AppError> => {
  const { error } = await run(token, call);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
};

const KINDS: readonly { provider: ProviderKind; tokenPrefix?: string }[] = [
  { provider: 'gitlab' },
  // Self-managed admins may change the token prefix: the adapter must not insist on glpat-.
  { provider: 'gitlab-self-managed', tokenPrefix: 'acme_' },
];

describe.each(KINDS)('GitLab adapter against the simulator ($provider)', ({ provider, tokenPrefix }) => {
  const sim = new GitLabSimulator(tokenPrefix === undefined ? {} : { tokenPrefix });
  let gitlab: GitProvider;
  let world: GitLabScenario;

  beforeAll(async () => {
    await sim.start();
    gitlab = createGitLabProvider({ provider, apiUrl: sim.url, webUrl: sim.url }, FAST);
  });
  afterAll(() => sim.stop());
  beforeEach(() => {
    sim.reset();
    sim.clearFaults();
    sim.clearRequests();
    world = seedScenario(sim);
  });

  describe('verifyToken', () => {
    it('names the owner, the scopes and the expiry of a good token', async () => {
      expect(world.alice.startsWith(tokenPrefix ?? 'glpat-')).toBe(true);
      const identity = await succeed(world.alice, () => gitlab.verifyToken(credential(world.alice)));
      expect(identity).toEqual({
        login: 'alice',
        displayName: 'Alice Liddell',
        scopes: ['api'],
        expiresAt: `${world.aliceExpiresAt}T00:00:00.000Z`,
      });
      expect(sim.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/v4/user', 'GET /api/v4/personal_access_tokens/self']);
    });

    it.each([
      ['a revoked', (w: GitLabScenario) => w.aliceRevoked],
      ['an expired', (w: GitLabScenario) => w.aliceExpired],
      ['an unknown', () => `glpat-${'x'.repeat(20)}`],
    ])('refuses %s token as a credential problem (401)', async (_label, pick) => {
      const token = pick(world);
      const error = await refuse(token, () => gitlab.verifyToken(credential(token)));
      expect(error).toMatchObject({ code: 'SERVICE_CREDENTIAL_REJECTED', hostReason: 'unauthorized', status: 502 });
      expect(sim.requests[0]?.status).toBe(401);
    });

    it('refuses a token that cannot be a header value without calling GitLab', async () => {
      const token = 'glpat-abc\r\nX-Injected: 1';
      const error = await refuse(token, () => gitlab.verifyToken(credential(token)));
      expect(error).toMatchObject({ code: 'SERVICE_CREDENTIAL_REJECTED', hostReason: 'unauthorized' });
      expect(sim.requests).toHaveLength(0);
    });

    it('reports a read-only token as missing the api scope', async () => {
      const identity = await succeed(world.aliceReadApi, () => gitlab.verifyToken(credential(world.aliceReadApi)));
      expect(identity).toMatchObject({ login: 'alice', scopes: ['read_api'], missingScopes: ['api'] });
    });

    it('refuses a write_repository-only token, which may not even read the user, naming the missing scope', async () => {
      const token = world.aliceWriteRepository;
      const error = await refuse(token, () => gitlab.verifyToken(credential(token)));
      expect(error).toMatchObject({ code: 'TOKEN_REJECTED', status: 422, hostReason: 'forbidden', extensions: { missingScopes: ['api'] } });
    });

    it('refuses a credential that is not a token', async () => {
      const keys: HostCredential = { kind: 'basic', username: 'alice', password: new Secret('pw-123456789') };
      await expect(gitlab.verifyToken(keys)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(sim.requests).toHaveLength(0);
    });
  });

  describe('branches and merge requests', () => {
    it('alice creates a branch with a slash from main, opens a merge request and deletes the branch, all as herself', async () => {
      const alice = credential(world.alice);
      const branch = await succeed(world.alice, () =>
        gitlab.createBranch(alice, { repository: PROJECT_PATH, branchName: 'feature/PROJ-1-login', fromRef: 'main' }),
      );
      expect(branch).toEqual({ url: `${sim.url}/${PROJECT_PATH}/-/tree/feature/PROJ-1-login`, commitId: MAIN_SHA });
      expect(sim.getBranch(PROJECT_PATH, 'feature/PROJ-1-login')).toEqual({ name: 'feature/PROJ-1-login', commitId: MAIN_SHA, createdBy: 'alice' });
      expect(sim.requests.at(-1)?.path).toBe('/api/v4/projects/acme%2Fplatform%2Fwidgets/repository/branches');

      const pr = await succeed(world.alice, () =>
        gitlab.createPullRequest(alice, {
          repository: PROJECT_PATH,
          sourceBranch: 'feature/PROJ-1-login',
          targetBranch: 'main',
          title: 'PROJ-1 Login page',
          description: 'Made from Jira',
        }),
      );
      expect(pr).toEqual({ url: `${sim.url}/${PROJECT_PATH}/-/merge_requests/1`, id: '1' });
      expect(sim.listPullRequests(PROJECT_PATH)).toEqual([
        expect.objectContaining({ iid: 1, title: 'PROJ-1 Login page', description: 'Made from Jira', sourceBranch: 'feature/PROJ-1-login', targetBranch: 'main', createdBy: 'alice' }),
      ]);

      await succeed(world.alice, () => gitlab.deleteBranch(alice, { repository: PROJECT_PATH, branchName: 'feature/PROJ-1-login' }));
      expect(sim.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/api/v4/projects/acme%2Fplatform%2Fwidgets/repository/branches/feature%2FPROJ-1-login', status: 204 });
      expect(sim.getBranch(PROJECT_PATH, 'feature/PROJ-1-login')).toBeUndefined();
    });

    it('takes a numeric project id and a commit id as the starting point', async () => {
      const branch = await succeed(world.alice, () =>
        gitlab.createBranch(credential(world.alice), { repository: String(world.project.id), branchName: 'hotfix', fromRef: RELEASE_SHA }),
      );
      expect(branch).toEqual({ url: `${sim.url}/${PROJECT_PATH}/-/tree/hotfix`, commitId: RELEASE_SHA });
    });

    it('leaves out the description when there is none', async () => {
      await succeed(world.alice, () =>
        gitlab.createPullRequest(credential(world.alice), { repository: PROJECT_PATH, sourceBranch: 'release/1.0', targetBranch: 'main', title: 'Release' }),
      );
      expect(JSON.parse(sim.requests.at(-1)?.body ?? '{}')).toEqual({ source_branch: 'release/1.0', target_branch: 'main', title: 'Release' });
      expect(sim.listPullRequests(PROJECT_PATH)[0]?.description).toBeNull();
    });

    it('answers CONFLICT for an existing branch and for a second open merge request', async () => {
      const alice = credential(world.alice);
      const branchError = await refuse(world.alice, () => gitlab.createBranch(alice, { repository: PROJECT_PATH, branchName: 'release/1.0', fromRef: 'main' }));
      expect(branchError).toMatchObject({ code: 'CONFLICT', status: 409, hostReason: 'conflict' });

      const input = { repository: PROJECT_PATH, sourceBranch: 'release/1.0', targetBranch: 'main', title: 'Release' };
      await succeed(world.alice, () => gitlab.createPullRequest(alice, input));
      const prError = await refuse(world.alice, () => gitlab.createPullRequest(alice, input));
      expect(prError).toMatchObject({ code: 'CONFLICT', status: 409, hostReason: 'conflict' });
      expect(sim.listPullRequests(PROJECT_PATH)).toHaveLength(1);
    });

    it.each([
      ['an invalid branch name', { branchName: 'bad..name', fromRef: 'main' }],
      ['an unknown starting point', { branchName: 'feature/x', fromRef: 'no-such-branch' }],
    ])('answers VALIDATION_FAILED for %s', async (_label, input) => {
      const error = await refuse(world.alice, () => gitlab.createBranch(credential(world.alice), { repository: PROJECT_PATH, ...input }));
      expect(error).toMatchObject({ code: 'VALIDATION_FAILED', status: 400, hostReason: 'bad-request' });
      expect(sim.listBranches(PROJECT_PATH).map((b) => b.name).sort()).toEqual(['main', 'release/1.0']);
    });

    it('answers VALIDATION_FAILED for a merge request from a missing branch', async () => {
      const error = await refuse(world.alice, () =>
        gitlab.createPullRequest(credential(world.alice), { repository: PROJECT_PATH, sourceBranch: 'nope', targetBranch: 'main', title: 'x' }),
      );
      expect(error).toMatchObject({ code: 'VALIDATION_FAILED', hostReason: 'bad-request' });
      expect(error.message).toContain('Source branch "nope" does not exist');
    });

    it.each([
      ['an unknown project', (w: GitLabScenario) => w.alice, 'acme/nothing-here', 'not-found'],
      ['a private project the user is not a member of', (w: GitLabScenario) => w.bob, PROJECT_PATH, 'not-found'],
      ['a project where the user may not push', (w: GitLabScenario) => w.rita, PROJECT_PATH, 'forbidden'],
    ])('answers NOT_FOUND for %s', async (_label, pick, repository, hostReason) => {
      const token = pick(world);
      const error = await refuse(token, () => gitlab.createBranch(credential(token), { repository, branchName: 'feature/y', fromRef: 'main' }));
      expect(error).toMatchObject({ code: 'NOT_FOUND', status: 404, hostReason });
      expect(sim.getBranch(PROJECT_PATH, 'feature/y')).toBeUndefined();
    });

    it('answers NOT_FOUND when deleting a branch that is not there', async () => {
      const error = await refuse(world.alice, () => gitlab.deleteBranch(credential(world.alice), { repository: PROJECT_PATH, branchName: 'gone/away' }));
      expect(error).toMatchObject({ code: 'NOT_FOUND', hostReason: 'not-found' });
    });

    it('reports the missing api scope when a read-only token tries to write', async () => {
      const error = await refuse(world.aliceReadApi, () =>
        gitlab.createBranch(credential(world.aliceReadApi), { repository: PROJECT_PATH, branchName: 'feature/z', fromRef: 'main' }),
      );
      expect(error).toMatchObject({ code: 'TOKEN_REJECTED', hostReason: 'forbidden', extensions: { missingScopes: ['api'] } });
    });

    it('refuses a token revoked after it was saved', async () => {
      sim.revokeToken(world.alice);
      const error = await refuse(world.alice, () => gitlab.deleteBranch(credential(world.alice), { repository: PROJECT_PATH, branchName: 'release/1.0' }));
      expect(error).toMatchObject({ code: 'SERVICE_CREDENTIAL_REJECTED', hostReason: 'unauthorized' });
      expect(sim.getBranch(PROJECT_PATH, 'release/1.0')).toBeDefined();
    });
  });

  describe('rate limits, retries and failures', () => {
    const verify = (): Promise<unknown> => gitlab.verifyToken(credential(world.alice));

    it('answers HOST_RATE_LIMITED with Retry-After, and does not retry the 429', async () => {
      sim.injectFault({ pathIncludes: '/user', status: 429, headers: { 'content-type': 'text/plain', 'retry-after': '7', 'ratelimit-reset': '1' }, body: 'Retry later\n' });
      const error = await refuse(world.alice, verify);
      expect(error).toMatchObject({ code: 'HOST_RATE_LIMITED', status: 429, hostReason: 'rate-limited', retryAfterSeconds: 7 });
      expect(sim.requests).toHaveLength(1);
    });

    it('falls back to RateLimit-Reset, then to 60 seconds', async () => {
      const reset = Math.floor(Date.now() / 1000) + 30;
      sim.injectFault({ pathIncludes: '/user', status: 429, times: 1, headers: { 'content-type': 'text/plain', 'ratelimit-reset': String(reset) }, body: 'Retry later\n' });
      const fromReset = await refuse(world.alice, verify);
      expect(fromReset.retryAfterSeconds).toBeGreaterThanOrEqual(28);
      expect(fromReset.retryAfterSeconds).toBeLessThanOrEqual(31);

      sim.injectFault({ pathIncludes: '/user', status: 429, times: 1, headers: { 'content-type': 'text/plain' }, body: 'Retry later\n' });
      expect((await refuse(world.alice, verify)).retryAfterSeconds).toBe(60);
    });

    it('retries a read twice on 503, then gives up with HOST_UNAVAILABLE', async () => {
      sim.injectFault({ method: 'GET', pathIncludes: '/user', status: 503, times: 2 });
      await expect(succeed(world.alice, verify)).resolves.toMatchObject({ login: 'alice' });
      expect(sim.requests.filter((r) => r.path === '/api/v4/user').map((r) => r.status)).toEqual([503, 503, 200]);

      sim.clearRequests();
      sim.injectFault({ method: 'GET', pathIncludes: '/user', status: 503 });
      const error = await refuse(world.alice, verify);
      expect(error).toMatchObject({ code: 'HOST_UNAVAILABLE', hostReason: 'unavailable' });
      expect(sim.requests).toHaveLength(3);
    });

    it('retries a read after a connection reset', async () => {
      sim.injectFault({ method: 'GET', pathIncludes: '/personal_access_tokens/self', resetConnection: true, times: 1 });
      await expect(succeed(world.alice, verify)).resolves.toMatchObject({ scopes: ['api'] });
      expect(sim.requests.filter((r) => r.path.endsWith('/self')).map((r) => r.status)).toEqual([0, 200]);
    });

    it.each([
      ['503', { status: 503 }],
      ['a connection reset', { resetConnection: true }],
    ])('never retries a write after %s', async (_label, fault) => {
      sim.injectFault({ method: 'POST', times: 1, ...fault });
      const error = await refuse(world.alice, () =>
        gitlab.createBranch(credential(world.alice), { repository: PROJECT_PATH, branchName: 'feature/once', fromRef: 'main' }),
      );
      expect(error).toMatchObject({ code: 'HOST_UNAVAILABLE' });
      expect(sim.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
      expect(sim.getBranch(PROJECT_PATH, 'feature/once')).toBeUndefined();
    });

    it('answers HOST_TIMEOUT when GitLab hangs past the whole-call budget', async () => {
      sim.injectFault({ pathIncludes: '/user', delayMs: FAST.requestTimeoutMs + 200, resetConnection: true });
      const error = await refuse(world.alice, verify);
      // The hang ends in a reset (HOST_UNAVAILABLE) 200 ms after the budget: HOST_TIMEOUT proves the budget
      // ended the call first. Both are timers of this process, so the order holds however loaded it is.
      expect(error).toMatchObject({ code: 'HOST_TIMEOUT', status: 504, hostReason: 'timeout' });
      await untilHangDropped(sim, '/user');
      expect(sim.requests.filter((r) => r.path.includes('/user'))).toHaveLength(1);
    });

    it('answers HOST_UNAVAILABLE for malformed JSON and for an answer of the wrong shape', async () => {
      sim.injectFault({ pathIncludes: '/user', malformedBody: true, times: 1 });
      expect(await refuse(world.alice, verify)).toMatchObject({ code: 'HOST_UNAVAILABLE' });
      sim.injectFault({ pathIncludes: '/user', status: 200, body: { id: 1 }, times: 1 });
      expect(await refuse(world.alice, verify)).toMatchObject({ code: 'HOST_UNAVAILABLE' });
    });

    it('answers HOST_UNAVAILABLE when nothing listens', async () => {
      const closed = new GitLabSimulator();
      const url = await closed.start();
      await closed.stop();
      const offline = createGitLabProvider({ provider, apiUrl: url, webUrl: url }, FAST);
      expect(await refuse(world.alice, () => offline.verifyToken(credential(world.alice)))).toMatchObject({ code: 'HOST_UNAVAILABLE' });
    });
  });
});

describe('GitLab before 15.5 (no /personal_access_tokens/self)', () => {
  const sim = new GitLabSimulator({ tokenSelfEndpoint: false });
  beforeAll(() => sim.start());
  afterAll(() => sim.stop());

  it('still names the owner, with scopes and expiry unknown', async () => {
    const { alice } = seedScenario(sim);
    const gitlab = createGitLabProvider({ provider: 'gitlab-self-managed', apiUrl: sim.url, webUrl: sim.url }, FAST);
    const identity = await succeed(alice, () => gitlab.verifyToken(credential(alice)));
    expect(identity).toEqual({ login: 'alice', displayName: 'Alice Liddell' });
    expect(sim.requests.map((r) => r.status)).toEqual([200, 404]);
  });
});

describe('newTokenUrl', () => {
  it.each([
    ['gitlab' as const, 'https://gitlab.com', 'https://gitlab.com'],
    ['gitlab-self-managed' as const, 'https://git.example.org/', 'https://git.example.org'],
    ['gitlab-self-managed' as const, 'https://example.org/gitlab', 'https://example.org/gitlab'],
  ])('links %s at %s to its token page with name and api scope prefilled', (provider, webUrl, base) => {
    const gitlab = createGitLabProvider({ provider, apiUrl: webUrl, webUrl });
    expect(gitlab.newTokenUrl()).toBe(`${base}/-/user_settings/personal_access_tokens?name=Jira%20(patgate)&scopes=api`);
  });

  it('refuses to serve another host family', () => {
    expect(() => createGitLabProvider({ provider: 'github', apiUrl: 'https://api.github.com', webUrl: 'https://github.com' })).toThrow();
  });
});
