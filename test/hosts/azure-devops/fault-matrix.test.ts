import type { Fault } from '../../../simulators/kit/loopback-server';
import { rateLimitFault, type FaultMatch } from '../../../simulators/azure-devops/simulator';
import type { GitProvider, HostCallOptions, HostCredential } from '../../../lambdas/hosts/git-provider';
import { AzureDevOpsWorld, kind, MAIN_COMMIT, REPOSITORY, tokenCredential, uniqueBranch } from './azure-devops-world';
import { callWithoutLeaks, failure } from './call-without-leaks';
import { LOCAL_HOSTS_ALLOWED } from '../../../lambdas/hosts/outbound-connections';
import { until } from '../../support/until';

/**
 * Every fault on every request of every action: the adapter reports the mapped code, retries only
 * idempotent reads on 502/503/reset, and the host's state is what it was before the call.
 */
let world: AzureDevOpsWorld;

beforeAll(async () => {
  world = await AzureDevOpsWorld.start();
});

afterAll(() => world.stop());

afterEach(() => world.reset());

const services = kind('Azure DevOps Services');

interface Step {
  readonly label: string;
  readonly match: Required<Pick<FaultMatch, 'method' | 'pathIncludes'>>;
  readonly read: boolean;
}

const CONNECTION_DATA: Step = { label: 'GET connectionData', match: { method: 'GET', pathIncludes: '/_apis/connectionData' }, read: true };
const NEGOTIATE: Step = { label: 'OPTIONS _apis/git', match: { method: 'OPTIONS', pathIncludes: '/_apis/git' }, read: true };
const GET_REFS: Step = { label: 'GET refs', match: { method: 'GET', pathIncludes: '/refs' }, read: true };
const POST_REFS: Step = { label: 'POST refs', match: { method: 'POST', pathIncludes: '/refs' }, read: false };
const POST_PULL_REQUEST: Step = { label: 'POST pullRequests', match: { method: 'POST', pathIncludes: '/pullRequests' }, read: false };

interface Action {
  readonly label: string;
  readonly steps: readonly Step[];
  /** Sets the stage (faults not yet injected) and returns the call plus a check that nothing changed. */
  prepare(provider: GitProvider, credential: HostCredential): Promise<{ run: (provider: GitProvider) => Promise<unknown>; unchanged: () => void }>;
}

const ACTIONS: readonly Action[] = [
  {
    label: 'verifyToken',
    steps: [CONNECTION_DATA],
    prepare: async (_provider, credential) => ({ run: (provider) => provider.verifyToken(credential), unchanged: () => undefined }),
  },
  {
    label: 'createBranch',
    steps: [NEGOTIATE, GET_REFS, POST_REFS],
    prepare: async (provider, credential) => {
      const branch = uniqueBranch();
      return {
        run: (faulted) => faulted.createBranch(credential, { repository: REPOSITORY, branchName: branch, fromRef: 'main' }),
        unchanged: () => expect(world.sim.getBranch(REPOSITORY, branch, services.path)).toBeUndefined(),
      };
    },
  },
  {
    label: 'deleteBranch',
    steps: [NEGOTIATE, GET_REFS, POST_REFS],
    prepare: async (provider, credential) => {
      const branch = uniqueBranch();
      await provider.createBranch(credential, { repository: REPOSITORY, branchName: branch, fromRef: 'main' });
      return {
        run: (faulted) => faulted.deleteBranch(credential, { repository: REPOSITORY, branchName: branch }),
        unchanged: () => expect(world.sim.getBranch(REPOSITORY, branch, services.path)?.commitId).toBe(MAIN_COMMIT),
      };
    },
  },
  {
    label: 'createPullRequest',
    steps: [NEGOTIATE, POST_PULL_REQUEST],
    prepare: async (provider, credential) => {
      const branch = uniqueBranch();
      await provider.createBranch(credential, { repository: REPOSITORY, branchName: branch, fromRef: 'main' });
      return {
        run: (faulted) => faulted.createPullRequest(credential, { repository: REPOSITORY, sourceBranch: branch, targetBranch: 'develop', title: 't' }),
        unchanged: () => expect(world.sim.listPullRequests(REPOSITORY, services.path).filter((pr) => pr.sourceBranch === branch)).toEqual([]),
      };
    },
  },
];

interface FaultCase {
  readonly label: string;
  readonly fault: (match: FaultMatch) => Fault;
  readonly code: string;
  readonly retryAfterSeconds?: number;
  /** Whether an idempotent read meets it again after backoff. */
  readonly retried: boolean;
  readonly options: HostCallOptions;
}

const NORMAL: HostCallOptions = { connectTimeoutMs: 500, requestTimeoutMs: 3000, connections: LOCAL_HOSTS_ALLOWED };
const SHORT: HostCallOptions = { connectTimeoutMs: 300, requestTimeoutMs: 500, connections: LOCAL_HOSTS_ALLOWED };

const FAULTS: readonly FaultCase[] = [
  { label: '500', fault: (m) => ({ ...m, status: 500 }), code: 'HOST_UNAVAILABLE', retried: false, options: NORMAL },
  { label: '502', fault: (m) => ({ ...m, status: 502 }), code: 'HOST_UNAVAILABLE', retried: true, options: NORMAL },
  { label: '503', fault: (m) => ({ ...m, status: 503 }), code: 'HOST_UNAVAILABLE', retried: true, options: NORMAL },
  { label: 'timeout', fault: (m) => ({ ...m, delayMs: 800, resetConnection: true }), code: 'HOST_TIMEOUT', retried: false, options: SHORT },
  { label: 'connection reset', fault: (m) => ({ ...m, resetConnection: true }), code: 'HOST_UNAVAILABLE', retried: true, options: NORMAL },
  { label: 'malformed JSON', fault: (m) => ({ ...m, malformedBody: true }), code: 'HOST_UNAVAILABLE', retried: false, options: NORMAL },
  { label: '429', fault: (m) => rateLimitFault(m, { retryAfterSeconds: 7 }), code: 'HOST_RATE_LIMITED', retryAfterSeconds: 7, retried: false, options: NORMAL },
];

const CASES = ACTIONS.flatMap((action) =>
  action.steps.flatMap((step, index) => FAULTS.map((fault) => ({ action, step, later: action.steps.slice(index + 1), fault }))),
);

const recorded = (step: Step): number =>
  world.sim.requests.filter((r) => r.method === step.match.method && r.path.includes(step.match.pathIncludes)).length;

/** A hung request is recorded when the simulator gives up on it, shortly after the call timed out. */
const settled = (step: Step): Promise<void> => until(() => recorded(step) > 0);

test.each(CASES.map((c) => [`${c.action.label} · ${c.step.label} · ${c.fault.label}`, c] as const))('%s', async (_label, { action, step, later, fault }) => {
  const pat = world.pat();
  const { run, unchanged } = await action.prepare(world.provider(services, NORMAL), tokenCredential(pat));
  world.reset();
  world.sim.injectFault(fault.fault(step.match));

  const error = failure(await callWithoutLeaks(pat, () => run(world.provider(services, fault.options))));
  if (fault.label === 'timeout') await settled(step);

  expect(error.code).toBe(fault.code);
  if (fault.retryAfterSeconds !== undefined) expect(error.retryAfterSeconds).toBe(fault.retryAfterSeconds);
  expect(recorded(step)).toBe(step.read && fault.retried ? 3 : 1);
  for (const next of later) expect(world.sim.requests.some((r) => r.method === next.match.method && r.path.includes(next.match.pathIncludes))).toBe(false);
  unchanged();
});
