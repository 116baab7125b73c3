import type { ErrorCode } from '../../../lambdas/domain/errors';
import { AppError } from '../../../lambdas/domain/errors';
import type { ProviderKind } from '../../../lambdas/domain/integration';
import { Secret } from '../../../lambdas/domain/secret';
import { DEFAULT_HOST_CALL_OPTIONS, type GitProvider, type HostCallOptions, type HostCredential } from '../../../lambdas/hosts/git-provider';
import { createGitLabProvider } from '../../../lambdas/hosts/gitlab/adapter';
import type { Fault } from '../../../simulators/kit/loopback-server';
import { GitLabSimulator } from '../../../simulators/gitlab/simulator';
import { captureOutput, printedForms } from './capture-output';
import { PROJECT_PATH, seedScenario } from './gitlab-scenario';
import { untilHangDropped } from './until-hang-dropped';
import { LOCAL_HOSTS_ALLOWED } from '../../../lambdas/hosts/outbound-connections';

/**
 * Every request of every action, hit by every kind of failure: the adapter answers the mapped
 * code, and the simulator's branches and merge requests are as they were.
 */
const FAST: HostCallOptions = { connectTimeoutMs: 300, requestTimeoutMs: 900, connections: LOCAL_HOSTS_ALLOWED };
/** Hangs end just after the budget: the adapter's deadline fires first (same event loop, earlier expiry). */
const HANG_MS = FAST.requestTimeoutMs + 200;

const credential = (token: string): HostCredential => ({ kind: 'token', token: new Secret(token) });

interface Step {
  readonly name: string;
  readonly method: string;
  readonly pathIncludes: string;
  readonly act: (gitlab: GitProvider, token: string) => Promise<unknown>;
}

const STEPS: readonly Step[] = [
  { name: 'verifyToken: GET /user', method: 'GET', pathIncludes: '/api/v4/user', act: (g, t) => g.verifyToken(credential(t)) },
  {
    name: 'verifyToken: GET /personal_access_tokens/self',
    method: 'GET',
    pathIncludes: '/personal_access_tokens/self',
    act: (g, t) => g.verifyToken(credential(t)),
  },
  {
    name: 'createBranch: POST /repository/branches',
    method: 'POST',
    pathIncludes: '/repository/branches',
    act: (g, t) => g.createBranch(credential(t), { repository: PROJECT_PATH, branchName: 'feature/PROJ-9', fromRef: 'main' }),
  },
  {
    name: 'deleteBranch: DELETE /repository/branches/:branch',
    method: 'DELETE',
    pathIncludes: '/repository/branches/',
    act: (g, t) => g.deleteBranch(credential(t), { repository: PROJECT_PATH, branchName: 'release/1.0' }),
  },
  {
    name: 'createPullRequest: POST /merge_requests',
    method: 'POST',
    pathIncludes: '/merge_requests',
    act: (g, t) => g.createPullRequest(credential(t), { repository: PROJECT_PATH, sourceBranch: 'release/1.0', targetBranch: 'main', title: 'Release' }),
  },
];

const FAULTS: readonly { name: string; fault: Omit<Fault, 'method' | 'pathIncludes'>; code: ErrorCode; retryAfterSeconds?: number }[] = [
  { name: '500', fault: { status: 500, body: { message: '500 Internal Server Error' } }, code: 'HOST_UNAVAILABLE' },
  {
    name: '502',
    fault: { status: 502, headers: { 'content-type': 'text/html' }, body: '<!DOCTYPE html><title>GitLab is not responding (502)</title>' },
    code: 'HOST_UNAVAILABLE',
  },
  { name: '503', fault: { status: 503, headers: { 'content-type': 'text/html' }, body: '<!DOCTYPE html><title>503</title>' }, code: 'HOST_UNAVAILABLE' },
  // Hang, then drop: the route never runs, so a timed-out write cannot land later.
  { name: 'timeout', fault: { delayMs: HANG_MS, resetConnection: true }, code: 'HOST_TIMEOUT' },
  { name: 'connection reset', fault: { resetConnection: true }, code: 'HOST_UNAVAILABLE' },
  { name: 'malformed JSON', fault: { malformedBody: true }, code: 'HOST_UNAVAILABLE' },
  {
    name: '429',
    fault: { status: 429, headers: { 'content-type': 'text/plain', 'retry-after': '7' }, body: 'Retry later\n' },
    code: 'HOST_RATE_LIMITED',
    retryAfterSeconds: 7,
  },
];

const CASES = STEPS.flatMap((step) => FAULTS.map((fault) => ({ step, ...fault, label: `${step.name} × ${fault.name}` })));

const KINDS: readonly ProviderKind[] = ['gitlab', 'gitlab-self-managed'];

describe.each(KINDS)('GitLab adapter fault matrix (%s)', (provider) => {
  const sim = new GitLabSimulator();
  let gitlab: GitProvider;

  beforeAll(async () => {
    await sim.start();
    gitlab = createGitLabProvider({ provider, apiUrl: sim.url, webUrl: sim.url }, FAST);
  });
  afterAll(() => sim.stop());

  it.each(CASES)('$label → $code, state unchanged', async ({ step, fault, code, retryAfterSeconds }) => {
    sim.reset();
    sim.clearFaults();
    sim.clearRequests();
    const { alice } = seedScenario(sim);
    const before = { branches: sim.listBranches(PROJECT_PATH), mergeRequests: sim.listPullRequests(PROJECT_PATH) };
    sim.injectFault({ ...fault, method: step.method, pathIncludes: step.pathIncludes });

    const { error, output } = await captureOutput(() => step.act(gitlab, alice));

    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) });
    expect(output).not.toContain(alice);
    expect(printedForms(error)).not.toContain(alice);
    expect({ branches: sim.listBranches(PROJECT_PATH), mergeRequests: sim.listPullRequests(PROJECT_PATH) }).toEqual(before);
    if (code === 'HOST_TIMEOUT') await untilHangDropped(sim, step.pathIncludes);
  });
});

describe('GitLab adapter with the default budget (connect 3 s, whole call 10 s)', () => {
  const sim = new GitLabSimulator();
  beforeAll(() => sim.start());
  afterAll(() => sim.stop());

  it('gives HOST_TIMEOUT (504) after the 10 s budget, before a 10.2 s hang ends', async () => {
    const { alice } = seedScenario(sim);
    sim.injectFault({ pathIncludes: '/api/v4/user', delayMs: 10_200, resetConnection: true });
    const gitlab = createGitLabProvider({ provider: 'gitlab', apiUrl: sim.url, webUrl: sim.url }, { ...DEFAULT_HOST_CALL_OPTIONS, connections: LOCAL_HOSTS_ALLOWED });
    const started = Date.now();
    const error = await gitlab.verifyToken(credential(alice)).catch((caught: unknown) => caught);
    const elapsed = Date.now() - started;
    // Not sooner than the budget, and before the hang's reset (which would be HOST_UNAVAILABLE): timers of
    // this one process fire in order, so no upper bound on the elapsed time is needed.
    expect(error).toMatchObject({ code: 'HOST_TIMEOUT', status: 504 });
    expect(elapsed).toBeGreaterThanOrEqual(9_900);
    await untilHangDropped(sim, '/api/v4/user');
  });
});
