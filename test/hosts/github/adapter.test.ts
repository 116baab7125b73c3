import { DEFAULT_HOST_CALL_OPTIONS, type GitProvider } from '../../../lambdas/hosts/git-provider';
import { createGitHubProvider } from '../../../lambdas/hosts/github/adapter';
import { GitHubSimulator } from '../../../simulators/github/simulator';
import { captureLogs } from '../../support/capture-logs';
import { MAIN_SHA, RELEASE_SHA, REPOSITORY, SHORT, TOKEN_EXPIRY, everythingAbout, failureOf, seedWorld, tokenCredential, untilHungRequestsEnd, type GitHubWorld } from './github-world';
import { LOCAL_HOSTS_ALLOWED } from '../../../lambdas/hosts/outbound-connections';

const LOCAL_DEFAULTS = { ...DEFAULT_HOST_CALL_OPTIONS, connections: LOCAL_HOSTS_ALLOWED };

const sim = new GitHubSimulator();

beforeAll(async () => {
  await sim.start();
  // The first call loads and compiles Octokit; it must not eat a short-budget test's time.
  await createGitHubProvider(sim.hostTarget('github'), LOCAL_DEFAULTS).verifyToken(tokenCredential(seedWorld(sim).aliceToken));
});

afterAll(async () => {
  await sim.stop();
});

describe.each(['github', 'github-enterprise'] as const)('GitHub adapter against the simulator (%s)', (provider) => {
  let world: GitHubWorld;
  let github: GitProvider;
  const alice = (): ReturnType<typeof tokenCredential> => tokenCredential(world.aliceToken);
  const apiPrefix = provider === 'github' ? '' : '/api/v3';

  beforeEach(() => {
    world = seedWorld(sim);
    github = createGitHubProvider(sim.hostTarget(provider), SHORT);
  });

  describe('verifyToken', () => {
    it('tells the login, name, scopes and expiry of a classic token', async () => {
      const identity = await github.verifyToken(alice());
      expect(identity).toEqual({ login: 'alice', displayName: 'Alice Liddell', scopes: ['repo', 'user'], expiresAt: TOKEN_EXPIRY });
      expect(sim.requests.map((request) => `${request.method} ${request.path}`)).toEqual([`GET ${apiPrefix}/user`]);
    });

    it('treats a fine-grained token, which reports no scopes, as sufficient', async () => {
      const token = sim.issueToken({ login: 'alice', kind: 'fine-grained', expiresAt: '2030-06-30T12:00:00Z' });
      expect(token).toMatch(/^github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}$/);
      const identity = await github.verifyToken(tokenCredential(token));
      expect(identity).toEqual({ login: 'alice', displayName: 'Alice Liddell', expiresAt: '2030-06-30T12:00:00.000Z' });
    });

    it('reports repo as missing when a classic token has neither repo nor public_repo', async () => {
      const narrow = sim.issueToken({ login: 'alice', scopes: ['read:user', 'gist'] });
      const identity = await github.verifyToken(tokenCredential(narrow));
      expect(identity.scopes).toEqual(['read:user', 'gist']);
      expect(identity.missingScopes).toEqual(['repo']);
      expect(identity.expiresAt).toBeUndefined();
    });

    it('accepts public_repo as enough scope', async () => {
      const publicOnly = sim.issueToken({ login: 'alice', scopes: ['public_repo'] });
      const identity = await github.verifyToken(tokenCredential(publicOnly));
      expect(identity.missingScopes).toBeUndefined();
    });

    it.each([
      ['revoked', (token: string) => sim.revokeToken(token)],
      ['expired', (token: string) => sim.expireToken(token)],
    ])('refuses a %s token as unauthorized', async (_kind, spoil) => {
      spoil(world.aliceToken);
      const error = await failureOf(github.verifyToken(alice()));
      expect(error).toMatchObject({ code: 'SERVICE_CREDENTIAL_REJECTED', hostReason: 'unauthorized', status: 502 });
    });

    it('refuses an unknown token as unauthorized', async () => {
      const error = await failureOf(github.verifyToken(tokenCredential(`ghp_${'x'.repeat(36)}`)));
      expect(error).toMatchObject({ code: 'SERVICE_CREDENTIAL_REJECTED', hostReason: 'unauthorized' });
    });
  });

  describe('branches and pull requests', () => {
    it('creates a branch from a ref as the acting user, opens a pull request, then deletes the branch', async () => {
      const branch = await github.createBranch(alice(), { repository: REPOSITORY, branchName: 'feature/ABC-1-login', fromRef: 'release/1.0' });
      expect(branch).toEqual({ url: `${sim.url}/acme/widgets/tree/feature/ABC-1-login`, commitId: RELEASE_SHA });
      expect(sim.getBranch(REPOSITORY, 'feature/ABC-1-login')).toEqual({ commitId: RELEASE_SHA, createdBy: 'alice' });

      sim.pushCommit(REPOSITORY, 'feature/ABC-1-login');
      const pull = await github.createPullRequest(alice(), {
        repository: REPOSITORY,
        sourceBranch: 'feature/ABC-1-login',
        targetBranch: 'main',
        title: 'ABC-1 Login',
        description: 'Closes ABC-1',
      });
      expect(pull).toEqual({ url: `${sim.url}/acme/widgets/pull/1`, id: '1' });
      expect(sim.listPullRequests(REPOSITORY)).toEqual([
        expect.objectContaining({ number: 1, title: 'ABC-1 Login', body: 'Closes ABC-1', head: 'feature/ABC-1-login', base: 'main', createdBy: 'alice', state: 'open' }),
      ]);

      await github.deleteBranch(alice(), { repository: REPOSITORY, branchName: 'feature/ABC-1-login' });
      expect(sim.getBranch(REPOSITORY, 'feature/ABC-1-login')).toBeUndefined();
    });

    it('carries branch names with non-ASCII and reserved characters to the host and back', async () => {
      const branchName = 'feature/ümlaut+plus';
      const branch = await github.createBranch(alice(), { repository: REPOSITORY, branchName, fromRef: 'main' });
      expect(branch.url).toBe(`${sim.url}/acme/widgets/tree/feature/%C3%BCmlaut%2Bplus`);
      expect(sim.getBranch(REPOSITORY, branchName)?.createdBy).toBe('alice');
      await github.deleteBranch(alice(), { repository: REPOSITORY, branchName });
      expect(sim.getBranch(REPOSITORY, branchName)).toBeUndefined();
    });

    it('rejects a repository that is not owner/name before calling GitHub', async () => {
      const error = await failureOf(github.createBranch(alice(), { repository: 'widgets', branchName: 'x', fromRef: 'main' }));
      expect(error).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'repository' }] });
      expect(sim.requests).toEqual([]);
    });

    it('answers CONFLICT when the branch exists', async () => {
      const error = await failureOf(github.createBranch(alice(), { repository: REPOSITORY, branchName: 'release/1.0', fromRef: 'main' }));
      expect(error).toMatchObject({ code: 'CONFLICT', hostReason: 'conflict', status: 409 });
      expect(sim.getBranch(REPOSITORY, 'release/1.0')).toEqual({ commitId: RELEASE_SHA, createdBy: null });
    });

    it('answers CONFLICT when a pull request for the branch is already open', async () => {
      const input = { repository: REPOSITORY, sourceBranch: 'release/1.0', targetBranch: 'main', title: 'Release' };
      await github.createPullRequest(alice(), input);
      const error = await failureOf(github.createPullRequest(alice(), input));
      expect(error).toMatchObject({ code: 'CONFLICT', hostReason: 'conflict' });
      expect(sim.listPullRequests(REPOSITORY)).toHaveLength(1);
    });

    it('answers VALIDATION_FAILED when the source branch adds no commits', async () => {
      await github.createBranch(alice(), { repository: REPOSITORY, branchName: 'empty', fromRef: 'main' });
      const error = await failureOf(github.createPullRequest(alice(), { repository: REPOSITORY, sourceBranch: 'empty', targetBranch: 'main', title: 'Nothing' }));
      expect(error).toMatchObject({ code: 'VALIDATION_FAILED', hostReason: 'bad-request' });
      expect(error.message).toContain('No commits between main and empty');
    });

    it('answers NOT_FOUND for a missing source ref and for deleting a missing branch', async () => {
      const missingRef = await failureOf(github.createBranch(alice(), { repository: REPOSITORY, branchName: 'x', fromRef: 'nope' }));
      expect(missingRef).toMatchObject({ code: 'NOT_FOUND', hostReason: 'not-found' });
      const missingBranch = await failureOf(github.deleteBranch(alice(), { repository: REPOSITORY, branchName: 'nope' }));
      expect(missingBranch).toMatchObject({ code: 'NOT_FOUND', hostReason: 'not-found', status: 404 });
    });

    it('answers NOT_FOUND for an unknown repository and for a private one the user cannot see', async () => {
      const unknown = await failureOf(github.createBranch(alice(), { repository: 'acme/nothing', branchName: 'x', fromRef: 'main' }));
      expect(unknown).toMatchObject({ code: 'NOT_FOUND' });
      const invisible = await failureOf(github.createBranch(tokenCredential(world.carolToken), { repository: REPOSITORY, branchName: 'x', fromRef: 'main' }));
      expect(invisible).toMatchObject({ code: 'NOT_FOUND' });
      expect(sim.getBranch(REPOSITORY, 'x')).toBeUndefined();
    });

    it('answers NOT_FOUND to a read-only collaborator and to a fine-grained token without contents write', async () => {
      const readOnly = await failureOf(github.createBranch(tokenCredential(world.bobToken), { repository: REPOSITORY, branchName: 'x', fromRef: 'main' }));
      expect(readOnly).toMatchObject({ code: 'NOT_FOUND', hostReason: 'not-found' });
      const narrow = sim.issueToken({ login: 'alice', kind: 'fine-grained', permissions: { contents: 'read', pull_requests: 'write' } });
      const refused = await failureOf(github.createBranch(tokenCredential(narrow), { repository: REPOSITORY, branchName: 'x', fromRef: 'main' }));
      expect(refused).toMatchObject({ code: 'NOT_FOUND', hostReason: 'forbidden' });
      expect(sim.requests.at(-1)).toMatchObject({ method: 'POST', status: 403 });
      expect(sim.getBranch(REPOSITORY, 'x')).toBeUndefined();
    });

    it('refuses the default branch deletion as GitHub does', async () => {
      const error = await failureOf(github.deleteBranch(alice(), { repository: REPOSITORY, branchName: 'main' }));
      expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(error.message).toContain('Cannot delete the default branch');
      expect(sim.getBranch(REPOSITORY, 'main')).toEqual({ commitId: MAIN_SHA, createdBy: null });
    });
  });

  describe('host trouble', () => {
    it('reports a 429 with Retry-After: 7 as HOST_RATE_LIMITED for 7 s, without retrying', async () => {
      sim.injectFault({ status: 429, headers: { 'retry-after': '7' }, body: { message: 'You have exceeded a secondary rate limit.' } });
      const error = await failureOf(github.verifyToken(alice()));
      expect(error).toMatchObject({ code: 'HOST_RATE_LIMITED', status: 429, retryAfterSeconds: 7, hostReason: 'rate-limited' });
      expect(sim.requests).toHaveLength(1);
    });

    it('reports a rate-limit 403 (x-ratelimit-remaining: 0) as HOST_RATE_LIMITED until the reset', async () => {
      const reset = Math.floor(Date.now() / 1000) + 42;
      sim.injectFault({ status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }, body: { message: 'API rate limit exceeded for user ID 1.' } });
      const error = await failureOf(github.createBranch(alice(), { repository: REPOSITORY, branchName: 'x', fromRef: 'main' }));
      expect(error.code).toBe('HOST_RATE_LIMITED');
      expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(40);
      expect(error.retryAfterSeconds).toBeLessThanOrEqual(43);
    });

    it('reports a secondary rate limit (403 with retry-after) as HOST_RATE_LIMITED', async () => {
      sim.injectFault({ status: 403, headers: { 'retry-after': '30' }, body: { message: 'You have exceeded a secondary rate limit.' }, method: 'POST' });
      const error = await failureOf(github.createPullRequest(alice(), { repository: REPOSITORY, sourceBranch: 'release/1.0', targetBranch: 'main', title: 't' }));
      expect(error).toMatchObject({ code: 'HOST_RATE_LIMITED', retryAfterSeconds: 30 });
      expect(sim.listPullRequests(REPOSITORY)).toEqual([]);
    });

    if (provider === 'github') {
      it('reports the simulator\'s own exhausted primary limit as HOST_RATE_LIMITED', async () => {
        sim.setRateLimitRemaining('alice', 0);
        const error = await failureOf(github.verifyToken(alice()));
        expect(error.code).toBe('HOST_RATE_LIMITED');
        expect(error.retryAfterSeconds).toBeGreaterThan(3_500);
      });
    }

    it('reports a 503 as HOST_UNAVAILABLE after two retries of the read', async () => {
      sim.injectFault({ status: 503, body: { message: 'Service Unavailable' } });
      const error = await failureOf(github.verifyToken(alice()));
      expect(error).toMatchObject({ code: 'HOST_UNAVAILABLE', status: 502, hostReason: 'unavailable' });
      expect(sim.requests.map((request) => request.status)).toEqual([503, 503, 503]);
    });

    it('recovers when a read fails once with 502', async () => {
      sim.injectFault({ status: 502, times: 1, pathIncludes: '/git/ref/' });
      await github.createBranch(alice(), { repository: REPOSITORY, branchName: 'after-retry', fromRef: 'main' });
      expect(sim.getBranch(REPOSITORY, 'after-retry')?.createdBy).toBe('alice');
    });

    it('reports a hang past the whole-call budget as HOST_TIMEOUT', async () => {
      sim.injectFault({ delayMs: SHORT.requestTimeoutMs + 300, resetConnection: true });
      const error = await failureOf(github.verifyToken(alice()));
      // The hang ends in a reset (HOST_UNAVAILABLE) 300 ms after the budget: HOST_TIMEOUT proves the budget
      // ended the call first. Both are timers of this process, so the order holds however loaded it is.
      expect(error).toMatchObject({ code: 'HOST_TIMEOUT', status: 504, hostReason: 'timeout' });
      await untilHungRequestsEnd(sim);
      expect(sim.requests).toHaveLength(1);
    });

    it('reports a malformed JSON body as HOST_UNAVAILABLE', async () => {
      sim.injectFault({ malformedBody: true });
      const error = await failureOf(github.verifyToken(alice()));
      expect(error).toMatchObject({ code: 'HOST_UNAVAILABLE' });
    });

    it('reports a connection reset as HOST_UNAVAILABLE', async () => {
      sim.injectFault({ resetConnection: true, method: 'POST' });
      const error = await failureOf(github.createBranch(alice(), { repository: REPOSITORY, branchName: 'x', fromRef: 'main' }));
      expect(error).toMatchObject({ code: 'HOST_UNAVAILABLE' });
      expect(sim.getBranch(REPOSITORY, 'x')).toBeUndefined();
    });

    it('reports an unreachable host as HOST_UNAVAILABLE', async () => {
      const target = { ...sim.hostTarget(provider), apiUrl: 'http://127.0.0.1:9' };
      const error = await failureOf(createGitHubProvider(target, SHORT).verifyToken(alice()));
      expect(error.code).toBe('HOST_UNAVAILABLE');
    });
  });

  it('never shows the token in logs or errors, on success or failure', async () => {
    const logs = captureLogs();
    const errors = [];
    try {
      await github.verifyToken(alice());
      await github.createBranch(alice(), { repository: REPOSITORY, branchName: 'leak-check', fromRef: 'main' });
      // A deprecation header makes Octokit log, so the capture has something to look at.
      sim.injectFault({ status: 503, times: 1, headers: { deprecation: 'true', sunset: 'soon' } });
      errors.push(await failureOf(github.createPullRequest(alice(), { repository: REPOSITORY, sourceBranch: 'leak-check', targetBranch: 'main', title: 't' })));
      sim.revokeToken(world.aliceToken);
      errors.push(await failureOf(github.verifyToken(alice())));
      errors.push(await failureOf(github.deleteBranch(alice(), { repository: REPOSITORY, branchName: 'leak-check' })));
      sim.injectFault({ resetConnection: true });
      errors.push(await failureOf(github.verifyToken(alice())));
    } finally {
      logs.restore();
    }
    expect(logs.text()).toContain('GitHub client warning');
    expect(logs.text()).not.toContain(world.aliceToken);
    expect(errors).toHaveLength(4);
    for (const error of errors) expect(everythingAbout(error)).not.toContain(world.aliceToken);
    expect(JSON.stringify(sim.requests)).not.toContain(world.aliceToken);
  });
});

describe('the GitHub adapter with its default budget', () => {
  it('gives HOST_TIMEOUT after the 10 s budget, before a hang of 10.6 s ends', async () => {
    const world = seedWorld(sim);
    sim.injectFault({ delayMs: 10_600, resetConnection: true });
    const github = createGitHubProvider(sim.hostTarget('github'), LOCAL_DEFAULTS);
    const started = Date.now();
    const error = await failureOf(github.verifyToken(tokenCredential(world.aliceToken)));
    const elapsed = Date.now() - started;
    // Not sooner than the budget; and before the hang's reset at 10.6 s, which would be HOST_UNAVAILABLE
    // (timers of this one process fire in order, so no upper bound on the elapsed time is needed).
    expect(error).toMatchObject({ code: 'HOST_TIMEOUT', status: 504 });
    expect(elapsed).toBeGreaterThanOrEqual(9_900);
    await untilHungRequestsEnd(sim);
    expect(sim.requests).toHaveLength(1);
  });
});

describe('newTokenUrl', () => {
  it('points at github.com with repo scope and the patgate description', () => {
    const github = createGitHubProvider({ provider: 'github', apiUrl: 'https://api.github.com', webUrl: 'https://github.com' });
    expect(github.newTokenUrl()).toBe('https://github.com/settings/tokens/new?scopes=repo&description=Jira%20(patgate)');
  });

  it('points at the Enterprise Server host', () => {
    const github = createGitHubProvider({ provider: 'github-enterprise', apiUrl: 'https://git.example.com/api/v3', webUrl: 'https://git.example.com/' });
    expect(github.newTokenUrl()).toBe('https://git.example.com/settings/tokens/new?scopes=repo&description=Jira%20(patgate)');
  });
});
