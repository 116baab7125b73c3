import { AppError, type ErrorCode } from '../../../lambdas/domain/errors';
import type { CodeCommitSimulator } from '../../../simulators/codecommit/simulator';
import type { Fault } from '../../../simulators/kit/loopback-server';
import type { HostCallOptions } from '../../../lambdas/hosts/git-provider';
import { DEVELOP_COMMIT, MAIN_COMMIT, REPOSITORY, seedWorld, startSimulator, untilRecorded, type CodeCommitWorld } from './codecommit-world';
import { LOCAL_HOSTS_ALLOWED } from '../../../lambdas/hosts/outbound-connections';

/** Room for three tries of a read; the timeout cases get a tight budget so they stay quick. */
const BUDGET: HostCallOptions = { connectTimeoutMs: 500, requestTimeoutMs: 3_000, connections: LOCAL_HOSTS_ALLOWED };
const TIGHT_BUDGET: HostCallOptions = { connectTimeoutMs: 300, requestTimeoutMs: 600, connections: LOCAL_HOSTS_ALLOWED };

interface FaultCase {
  readonly fault: Fault;
  readonly expected: ErrorCode;
  /** Whether a read hit by this fault is tried again (twice). */
  readonly retriedOnReads: boolean;
  readonly options?: HostCallOptions;
}

const FAULTS: Readonly<Record<string, FaultCase>> = {
  '500': { fault: { status: 500, body: { message: 'Internal Server Error' } }, expected: 'HOST_UNAVAILABLE', retriedOnReads: false },
  '502': { fault: { status: 502, body: '<html>Bad Gateway</html>' }, expected: 'HOST_UNAVAILABLE', retriedOnReads: true },
  '503': { fault: { status: 503, body: { message: 'Service Unavailable' } }, expected: 'HOST_UNAVAILABLE', retriedOnReads: true },
  // The host hangs past the budget, then drops the connection without doing the work.
  timeout: {
    fault: { delayMs: TIGHT_BUDGET.requestTimeoutMs + 300, resetConnection: true },
    expected: 'HOST_TIMEOUT',
    retriedOnReads: false,
    options: TIGHT_BUDGET,
  },
  reset: { fault: { resetConnection: true }, expected: 'HOST_UNAVAILABLE', retriedOnReads: true },
  'malformed JSON': { fault: { malformedBody: true }, expected: 'HOST_UNAVAILABLE', retriedOnReads: false },
  '429': { fault: { status: 429, body: { message: 'Too Many Requests' } }, expected: 'HOST_RATE_LIMITED', retriedOnReads: false },
};

interface ActionCase {
  readonly steps: readonly string[];
  readonly reads: ReadonlySet<string>;
  readonly run: (world: CodeCommitWorld, options: HostCallOptions) => Promise<unknown>;
}

const ACTIONS: Readonly<Record<string, ActionCase>> = {
  verifyToken: {
    steps: ['GetCallerIdentity'],
    reads: new Set(['GetCallerIdentity']),
    run: (w, options) => w.provider(options).verifyToken(w.alice),
  },
  createBranch: {
    steps: ['GetBranch', 'CreateBranch'],
    reads: new Set(['GetBranch']),
    run: (w, options) => w.provider(options).createBranch(w.alice, { repository: REPOSITORY, branchName: 'feature/PAY-9', fromRef: 'main' }),
  },
  deleteBranch: {
    steps: ['DeleteBranch'],
    reads: new Set(),
    run: (w, options) => w.provider(options).deleteBranch(w.alice, { repository: REPOSITORY, branchName: 'feature/old' }),
  },
  createPullRequest: {
    steps: ['ListPullRequests', 'GetPullRequest', 'CreatePullRequest'],
    reads: new Set(['ListPullRequests', 'GetPullRequest']),
    run: (w, options) =>
      w.provider(options).createPullRequest(w.alice, { repository: REPOSITORY, sourceBranch: 'develop', targetBranch: 'main', title: 'PAY-9' }),
  },
};

const cases = Object.entries(ACTIONS).flatMap(([action, spec]) =>
  spec.steps.flatMap((step, index) => Object.entries(FAULTS).map(([faultName, faultCase]) => ({ action, spec, step, index, faultName, faultCase }))),
);

/** Everything a failed action could have changed. */
const stateOf = (simulator: CodeCommitSimulator): string =>
  JSON.stringify({ branches: simulator.listBranches(REPOSITORY), pullRequests: simulator.listPullRequests(REPOSITORY) });

let simulator: CodeCommitSimulator;
let world: CodeCommitWorld;

beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(() => simulator.stop());
beforeEach(() => {
  world = seedWorld(simulator);
  simulator.createRepository({
    name: REPOSITORY,
    defaultBranch: 'main',
    branches: { main: MAIN_COMMIT, develop: DEVELOP_COMMIT, hotfix: MAIN_COMMIT, 'feature/old': DEVELOP_COMMIT },
  });
  // An open pull request for other branches, so the duplicate check has one to look at (GetPullRequest).
  simulator.seedPullRequest({ repository: REPOSITORY, sourceBranch: 'hotfix', targetBranch: 'main' });
});

describe('every step of every action under every fault', () => {
  it.each(cases)('$action, step $step, $faultName → mapped, state unchanged', async ({ spec, step, index, faultCase }) => {
    const before = stateOf(simulator);
    simulator.injectFaultAfter(index, faultCase.fault);

    const error = await spec.run(world, faultCase.options ?? BUDGET).then(
      () => undefined,
      (e: unknown) => e,
    );

    const attempts = spec.reads.has(step) && faultCase.retriedOnReads ? 3 : 1;
    await untilRecorded(simulator, index + attempts);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: faultCase.expected });
    if (faultCase.expected === 'HOST_RATE_LIMITED') expect(error).toMatchObject({ retryAfterSeconds: 60 });
    expect(stateOf(simulator)).toBe(before);
    // The steps before the faulty one ran once each; nothing ran after it.
    expect(simulator.operations()).toEqual([...spec.steps.slice(0, index), ...Array<string>(attempts).fill(step)]);
  });
});
