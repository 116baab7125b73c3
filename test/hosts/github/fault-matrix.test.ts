import type { ErrorCode } from '../../../lambdas/domain/errors';
import type { GitProvider, HostCallOptions } from '../../../lambdas/hosts/git-provider';
import { createGitHubProvider } from '../../../lambdas/hosts/github/adapter';
import { GitHubSimulator } from '../../../simulators/github/simulator';
import type { Fault } from '../../../simulators/kit/loopback-server';
import { MAIN_SHA, REPOSITORY, failureOf, seedWorld, tokenCredential, untilHungRequestsEnd } from './github-world';
import { LOCAL_HOSTS_ALLOWED } from '../../../lambdas/hosts/outbound-connections';

/** Tight enough to keep the matrix fast, loose enough for two read retries (100 + 200 ms). */
const OPTIONS: HostCallOptions = { connectTimeoutMs: 500, requestTimeoutMs: 1_000, connections: LOCAL_HOSTS_ALLOWED };

interface Step {
  readonly name: string;
  /** The request the fault hits. */
  readonly method: string;
  readonly pathIncludes: string;
  readonly idempotent: boolean;
  readonly run: (github: GitProvider, token: string) => Promise<unknown>;
  /** The simulator state the step must leave as it found it when it fails. */
  readonly unchanged: (sim: GitHubSimulator) => void;
}

interface FaultCase {
  readonly name: string;
  readonly fault: Fault;
  readonly code: ErrorCode;
  /** Idempotent reads are tried three times on these. */
  readonly transient: boolean;
}

const noNewBranch = (sim: GitHubSimulator): void => {
  expect(sim.getBranch(REPOSITORY, 'feature/ABC-9')).toBeUndefined();
};

const STEPS: readonly Step[] = [
  {
    name: 'verifyToken (GET /user)',
    method: 'GET',
    pathIncludes: '/user',
    idempotent: true,
    run: (github, token) => github.verifyToken(tokenCredential(token)),
    unchanged: noNewBranch,
  },
  {
    name: 'createBranch, getRef step',
    method: 'GET',
    pathIncludes: '/git/ref/',
    idempotent: true,
    run: (github, token) => github.createBranch(tokenCredential(token), { repository: REPOSITORY, branchName: 'feature/ABC-9', fromRef: 'main' }),
    unchanged: noNewBranch,
  },
  {
    name: 'createBranch, createRef step',
    method: 'POST',
    pathIncludes: '/git/refs',
    idempotent: false,
    run: (github, token) => github.createBranch(tokenCredential(token), { repository: REPOSITORY, branchName: 'feature/ABC-9', fromRef: 'main' }),
    unchanged: noNewBranch,
  },
  {
    name: 'deleteBranch',
    method: 'DELETE',
    pathIncludes: '/git/refs/',
    idempotent: false,
    run: (github, token) => github.deleteBranch(tokenCredential(token), { repository: REPOSITORY, branchName: 'release/1.0' }),
    unchanged: (sim) => expect(sim.getBranch(REPOSITORY, 'release/1.0')).toBeDefined(),
  },
  {
    name: 'createPullRequest',
    method: 'POST',
    pathIncludes: '/pulls',
    idempotent: false,
    run: (github, token) =>
      github.createPullRequest(tokenCredential(token), { repository: REPOSITORY, sourceBranch: 'release/1.0', targetBranch: 'main', title: 'Release 1.0' }),
    unchanged: (sim) => expect(sim.listPullRequests(REPOSITORY)).toEqual([]),
  },
];

const FAULTS: readonly FaultCase[] = [
  { name: '500', fault: { status: 500, body: { message: 'Server Error' } }, code: 'HOST_UNAVAILABLE', transient: false },
  { name: '502', fault: { status: 502, body: 'Bad Gateway' }, code: 'HOST_UNAVAILABLE', transient: true },
  { name: '503', fault: { status: 503, body: { message: 'Service Unavailable' } }, code: 'HOST_UNAVAILABLE', transient: true },
  // The host holds the request past the budget, then drops it: the route never runs.
  { name: 'timeout', fault: { delayMs: OPTIONS.requestTimeoutMs + 200, resetConnection: true }, code: 'HOST_TIMEOUT', transient: false },
  { name: 'connection reset', fault: { resetConnection: true }, code: 'HOST_UNAVAILABLE', transient: true },
  { name: 'malformed JSON', fault: { malformedBody: true }, code: 'HOST_UNAVAILABLE', transient: false },
  { name: '429', fault: { status: 429, body: { message: 'You have exceeded a secondary rate limit.' } }, code: 'HOST_RATE_LIMITED', transient: false },
];

const sim = new GitHubSimulator();
let token: string;
let github: GitProvider;

beforeAll(async () => {
  await sim.start();
  github = createGitHubProvider(sim.hostTarget('github'), OPTIONS);
  // The first call loads and compiles Octokit; it must not eat the first case's budget.
  await github.verifyToken(tokenCredential(seedWorld(sim).aliceToken));
});

afterAll(async () => {
  await sim.stop();
});

beforeEach(() => {
  token = seedWorld(sim).aliceToken;
  sim.pushCommit(REPOSITORY, 'release/1.0');
});

describe.each(STEPS)('$name', (step) => {
  it.each(FAULTS)('maps $name to the contract error and leaves the host as it was', async ({ fault, code, transient, name }) => {
    sim.injectFault({ ...fault, method: step.method, pathIncludes: step.pathIncludes });
    const error = await failureOf(step.run(github, token));
    expect(error.code).toBe(code);
    if (code === 'HOST_RATE_LIMITED') expect(error.retryAfterSeconds).toBe(60);
    if (name === 'timeout') await untilHungRequestsEnd(sim);
    step.unchanged(sim);
    expect(sim.getBranch(REPOSITORY, 'main')?.commitId).toBe(MAIN_SHA);
    const hits = sim.requests.filter((request) => request.method === step.method && request.path.includes(step.pathIncludes));
    expect(hits).toHaveLength(step.idempotent && transient ? 3 : 1);
  });
});
