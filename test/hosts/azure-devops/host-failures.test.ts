import type { RequestOptions } from 'node:http';
import { getPersonalAccessTokenHandler } from 'azure-devops-node-api';
import { CallRequestHandler } from '../../../lambdas/hosts/azure-devops/call-request-handler';
import { rateLimitFault } from '../../../simulators/azure-devops/simulator';
import { DEFAULT_HOST_CALL_OPTIONS } from '../../../lambdas/hosts/git-provider';
import { LOCAL_HOSTS_ALLOWED } from '../../../lambdas/hosts/outbound-connections';
import { AzureDevOpsWorld, DEVELOP_COMMIT, kind, REPOSITORY, tokenCredential, uniqueBranch } from './azure-devops-world';
import { callWithoutLeaks, failure } from './call-without-leaks';

let world: AzureDevOpsWorld;

beforeAll(async () => {
  world = await AzureDevOpsWorld.start();
});

afterAll(() => world.stop());

afterEach(() => world.reset());

const services = kind('Azure DevOps Services');
const tfs2018 = kind('TFS 2018');

const hits = (method: string, pathIncludes: string): number => world.sim.requests.filter((r) => r.method === method && r.path.includes(pathIncludes)).length;

describe('rate limits (429 TF400733)', () => {
  test('Retry-After: 7 → HOST_RATE_LIMITED with 7 seconds, and the read is not retried', async () => {
    const pat = world.pat();
    world.sim.injectFault(rateLimitFault({ method: 'GET', pathIncludes: '/refs' }, { retryAfterSeconds: 7 }));
    const outcome = await callWithoutLeaks(pat, () =>
      world.provider(services).createBranch(tokenCredential(pat), { repository: REPOSITORY, branchName: uniqueBranch(), fromRef: 'main' }),
    );
    expect(failure(outcome)).toMatchObject({ code: 'HOST_RATE_LIMITED', status: 429, hostReason: 'rate-limited', retryAfterSeconds: 7 });
    expect(hits('GET', '/refs')).toBe(1);
    expect(hits('POST', '/refs')).toBe(0);
  });

  test('without Retry-After the wait comes from X-RateLimit-Reset', async () => {
    const pat = world.pat();
    const resetAt = Math.floor(Date.now() / 1000) + 30;
    world.sim.injectFault(rateLimitFault({ method: 'POST', pathIncludes: '/pullRequests' }, { resetAtEpochSeconds: resetAt }));
    const outcome = await callWithoutLeaks(pat, () =>
      world.provider(services).createPullRequest(tokenCredential(pat), { repository: REPOSITORY, sourceBranch: 'develop', targetBranch: 'main', title: 't' }),
    );
    const error = failure(outcome);
    expect(error.code).toBe('HOST_RATE_LIMITED');
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(28);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(31);
  });

  test('with neither header the wait is a minute', async () => {
    const pat = world.pat();
    world.sim.injectFault(rateLimitFault({ method: 'GET', pathIncludes: '/connectionData' }, {}));
    const outcome = await callWithoutLeaks(pat, () => world.provider(services).verifyToken(tokenCredential(pat)));
    expect(failure(outcome)).toMatchObject({ code: 'HOST_RATE_LIMITED', retryAfterSeconds: 60 });
  });
});

describe('unavailable hosts', () => {
  test('a 503 on a read is retried twice, then HOST_UNAVAILABLE', async () => {
    const pat = world.pat();
    world.sim.injectFault({ method: 'GET', pathIncludes: '/connectionData', status: 503 });
    const outcome = await callWithoutLeaks(pat, () => world.provider(tfs2018).verifyToken(tokenCredential(pat)));
    expect(failure(outcome)).toMatchObject({ code: 'HOST_UNAVAILABLE', status: 502, hostReason: 'unavailable' });
    expect(hits('GET', '/connectionData')).toBe(3);
  });

  test('a read that fails once with 502 succeeds on the retry', async () => {
    const pat = world.pat();
    world.sim.injectFault({ method: 'GET', pathIncludes: '/refs', status: 502, times: 1 });
    const branch = uniqueBranch();
    await expect(world.provider(tfs2018).createBranch(tokenCredential(pat), { repository: REPOSITORY, branchName: branch, fromRef: 'develop' })).resolves.toMatchObject({
      commitId: DEVELOP_COMMIT,
    });
    expect(hits('GET', '/refs')).toBe(2);
  });

  test('a write is never retried: one 503 on the ref update is HOST_UNAVAILABLE and nothing changed', async () => {
    const pat = world.pat();
    world.sim.injectFault({ method: 'POST', pathIncludes: '/refs', status: 503 });
    const branch = uniqueBranch();
    const outcome = await callWithoutLeaks(pat, () =>
      world.provider(tfs2018).createBranch(tokenCredential(pat), { repository: REPOSITORY, branchName: branch, fromRef: 'main' }),
    );
    expect(failure(outcome)).toMatchObject({ code: 'HOST_UNAVAILABLE' });
    expect(hits('POST', '/refs')).toBe(1);
    expect(world.sim.getBranch(REPOSITORY, branch, tfs2018.path)).toBeUndefined();
  });

  test('a 500 is HOST_UNAVAILABLE and not retried', async () => {
    const pat = world.pat();
    world.sim.injectFault({ method: 'GET', pathIncludes: '/connectionData', status: 500 });
    expect(failure(await callWithoutLeaks(pat, () => world.provider(services).verifyToken(tokenCredential(pat))))).toMatchObject({ code: 'HOST_UNAVAILABLE' });
    expect(hits('GET', '/connectionData')).toBe(1);
  });

  test('malformed JSON in a 200 is HOST_UNAVAILABLE', async () => {
    const pat = world.pat();
    world.sim.injectFault({ method: 'GET', pathIncludes: '/connectionData', malformedBody: true });
    expect(failure(await callWithoutLeaks(pat, () => world.provider(services).verifyToken(tokenCredential(pat))))).toMatchObject({
      code: 'HOST_UNAVAILABLE',
      hostReason: 'unavailable',
    });
  });

  test('a reset connection is HOST_UNAVAILABLE (a read after two retries, a write at once)', async () => {
    const pat = world.pat();
    world.sim.injectFault({ method: 'GET', pathIncludes: '/connectionData', resetConnection: true });
    world.sim.injectFault({ method: 'POST', pathIncludes: '/pullRequests', resetConnection: true });
    const provider = world.provider(services);
    expect(failure(await callWithoutLeaks(pat, () => provider.verifyToken(tokenCredential(pat))))).toMatchObject({ code: 'HOST_UNAVAILABLE' });
    const pr = await callWithoutLeaks(pat, () =>
      provider.createPullRequest(tokenCredential(pat), { repository: REPOSITORY, sourceBranch: 'develop', targetBranch: 'main', title: 't' }),
    );
    expect(failure(pr)).toMatchObject({ code: 'HOST_UNAVAILABLE' });
    expect(hits('GET', '/connectionData')).toBe(3);
    expect(hits('POST', '/pullRequests')).toBe(1);
  });

  test('a redirect is not followed: to a sign-in page it is unauthorized, elsewhere the host is unavailable', async () => {
    const pat = world.pat();
    const provider = world.provider(services);
    world.sim.injectFault({ method: 'GET', pathIncludes: '/connectionData', times: 1, status: 302, headers: { location: 'https://app.vssps.visualstudio.com/_signin?realm=dev.azure.com' } });
    expect(failure(await callWithoutLeaks(pat, () => provider.verifyToken(tokenCredential(pat))))).toMatchObject({ code: 'SERVICE_CREDENTIAL_REJECTED' });
    world.sim.injectFault({ method: 'GET', pathIncludes: '/connectionData', times: 1, status: 301, headers: { location: `${world.sim.url}/elsewhere` } });
    expect(failure(await callWithoutLeaks(pat, () => provider.verifyToken(tokenCredential(pat))))).toMatchObject({ code: 'HOST_UNAVAILABLE' });
    expect(world.sim.requests.some((r) => r.path === '/elsewhere')).toBe(false);
  });

  test('an api-version the server does not speak (400 VssVersionOutOfRangeException) is HOST_UNAVAILABLE', async () => {
    const pat = world.pat();
    // A location answer claiming 7.2 on a TFS 2018 collection makes the client send a version the server refuses.
    world.sim.injectFault({
      method: 'OPTIONS',
      status: 200,
      body: {
        count: 1,
        value: [
          {
            id: '2d874a60-a811-4f62-9c9f-963a6ea0a55b',
            area: 'git',
            resourceName: 'refs',
            routeTemplate: '{project}/_apis/{area}/repositories/{repositoryId}/{resource}/{*filter}',
            resourceVersion: 2,
            minVersion: '1.0',
            maxVersion: '7.2',
            releasedVersion: '7.1',
          },
        ],
      },
    });
    const outcome = await callWithoutLeaks(pat, () =>
      world.provider(tfs2018).createBranch(tokenCredential(pat), { repository: REPOSITORY, branchName: uniqueBranch(), fromRef: 'main' }),
    );
    expect(failure(outcome)).toMatchObject({ code: 'HOST_UNAVAILABLE' });
    const refused = world.sim.requests.find((r) => r.path.endsWith('/refs'));
    expect(refused?.status).toBe(400);
    expect(JSON.parse(refused?.responseBody ?? '{}')).toMatchObject({ typeKey: 'VssVersionOutOfRangeException' });
  });
});

describe('timeouts', () => {
  test('a host hanging past a short budget is HOST_TIMEOUT, within the budget', async () => {
    const pat = world.pat();
    world.sim.injectFault({ method: 'GET', pathIncludes: '/refs', delayMs: 1500, resetConnection: true });
    const outcome = await callWithoutLeaks(pat, () =>
      world.provider(services, { connectTimeoutMs: 300, requestTimeoutMs: 600, connections: LOCAL_HOSTS_ALLOWED }).createBranch(tokenCredential(pat), {
        repository: REPOSITORY,
        branchName: uniqueBranch(),
        fromRef: 'main',
      }),
    );
    // The hang ends in a reset (HOST_UNAVAILABLE) at 1.5 s: HOST_TIMEOUT proves the 600 ms budget ended the
    // call first. Both are timers of this process, so the order holds however loaded it is.
    expect(failure(outcome)).toMatchObject({ code: 'HOST_TIMEOUT', status: 504, hostReason: 'timeout' });
  });

  test('with the default options, a hanging host is HOST_TIMEOUT after the 10 s whole-call budget, before a 10.5 s hang ends', async () => {
    const pat = world.pat();
    world.sim.injectFault({ method: 'GET', pathIncludes: '/connectionData', delayMs: 10_500, resetConnection: true });
    const started = Date.now();
    const outcome = await callWithoutLeaks(pat, () => world.provider(services, { ...DEFAULT_HOST_CALL_OPTIONS, connections: LOCAL_HOSTS_ALLOWED }).verifyToken(tokenCredential(pat)));
    const elapsed = Date.now() - started;
    // Not sooner than the budget, and before the hang's reset (which would be HOST_UNAVAILABLE).
    expect(failure(outcome)).toMatchObject({ code: 'HOST_TIMEOUT', status: 504 });
    expect(elapsed).toBeGreaterThanOrEqual(9_900);
  });

  test('every request carries the connect timeout and the call abort signal, on top of the credential', () => {
    const controller = new AbortController();
    const handler = new CallRequestHandler(getPersonalAccessTokenHandler('pat-value', false), controller.signal, 3000, LOCAL_HOSTS_ALLOWED.httpAgent);
    const options: RequestOptions = { host: 'dev.azure.com', headers: {}, timeout: 10_000 };
    handler.prepareRequest(options);
    expect(options.timeout).toBe(3000);
    expect(options.signal).toBe(controller.signal);
    expect(options.agent).toBe(LOCAL_HOSTS_ALLOWED.httpAgent);
    expect(options.headers).toMatchObject({ 'X-TFS-FedAuthRedirect': 'Suppress', Authorization: `Basic ${Buffer.from('PAT:pat-value').toString('base64')}` });
    expect(handler.canHandleAuthentication()).toBe(false);
  });
});
