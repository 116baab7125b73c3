import type { Fault } from '../../simulators/kit/loopback-server';
import type { HostSimulators, HostWorld } from '../../local/host-worlds';
import { startReliabilityWorld, uniqueSuffix, type Actor, type ReliabilityWorld } from './reliability-world';
import { LOCAL_HOSTS_ALLOWED } from '../../lambdas/hosts/outbound-connections';

type GitActionName = 'create-branch' | 'delete-branch' | 'create-pull-request';

/** One host call of one git action, and how to make the simulator fail exactly that call. */
export interface FaultStep {
  readonly action: GitActionName;
  /** The call, as the host names it ("GET ref of fromRef"). */
  readonly call: string;
  readonly inject: (hosts: HostSimulators, fault: Fault) => void;
}

export interface ExpectedRefusal {
  readonly status: number;
  readonly code: string;
  readonly retryAfter?: string;
}

export interface HostFault {
  readonly name: string;
  readonly fault: Fault;
  readonly expected: ExpectedRefusal;
}

/** Host call timeouts for these suites (DESIGN §8 says 3 s / 10 s; shorter keeps the matrix quick). */
export const SHORT_HOST_CALLS = { connectTimeoutMs: 500, requestTimeoutMs: 1_000, connections: LOCAL_HOSTS_ALLOWED } as const;

/**
 * The faults of issue 7 and what the API must answer. The timeout's late answer (a 504 after the
 * client gave up) changes no host state; it comes first so its pending delay ends during later cases,
 * not after the simulators stop.
 */
export const HOST_FAULTS: readonly HostFault[] = [
  { name: 'no answer in time', fault: { delayMs: SHORT_HOST_CALLS.requestTimeoutMs + 500, status: 504 }, expected: { status: 504, code: 'HOST_TIMEOUT' } },
  { name: 'HTTP 500', fault: { status: 500 }, expected: { status: 502, code: 'HOST_UNAVAILABLE' } },
  { name: 'HTTP 502', fault: { status: 502 }, expected: { status: 502, code: 'HOST_UNAVAILABLE' } },
  { name: 'HTTP 503', fault: { status: 503, headers: { 'retry-after': '30' } }, expected: { status: 502, code: 'HOST_UNAVAILABLE' } },
  { name: 'HTTP 429 with Retry-After', fault: { status: 429, headers: { 'retry-after': '7' } }, expected: { status: 429, code: 'HOST_RATE_LIMITED', retryAfter: '7' } },
  { name: 'a reset connection', fault: { resetConnection: true }, expected: { status: 502, code: 'HOST_UNAVAILABLE' } },
  { name: 'malformed JSON', fault: { malformedBody: true }, expected: { status: 502, code: 'HOST_UNAVAILABLE' } },
];

const clearAllFaults = (hosts: HostSimulators): void => {
  hosts.github.clearFaults();
  hosts.gitlab.clearFaults();
  hosts.azure.clearFaults();
  hosts.codecommit.clearFaults();
};

interface KindUnderTest {
  readonly w: HostWorld;
  readonly integrationId: string;
  readonly user: Actor;
}

/**
 * For each kind, each step and each fault: the git action, run with the user's own PAT, gets the
 * mapped refusal (problem+json, Retry-After when rate limited), its audit entry says `failed` with
 * that code and no entry claims success, and the user's token stays usable afterwards.
 */
export const describeHostFaults = (kinds: readonly string[], steps: readonly FaultStep[]): void => {
  let rw: ReliabilityWorld;
  const underTest = new Map<string, KindUnderTest>();
  let issueNumber = 100;

  beforeAll(async () => {
    rw = await startReliabilityWorld({ hostCalls: SHORT_HOST_CALLS });
    for (const kind of kinds) {
      const w = rw.world(kind);
      const integrationId = await rw.createIntegration(w, true);
      const user = rw.newUser('faulted');
      await rw.saveToken(user, w, integrationId);
      underTest.set(kind, { w, integrationId, user });
    }
  });
  afterAll(() => rw.stop());

  const kindOf = (kind: string): KindUnderTest => {
    const found = underTest.get(kind);
    if (!found) throw new Error(`${kind} was not set up`);
    return found;
  };

  /** A branch made (without faults) for the action to delete or open a pull request from. */
  const freshBranch = async ({ w, integrationId, user }: KindUnderTest): Promise<string> => {
    const branchName = `faults/${uniqueSuffix()}`;
    const body = { integrationId, repositoryId: w.repositoryId, issueKey: 'PROJ-1', branchName, fromRef: w.defaultBranch };
    const res = await rw.h.call('POST', '/api/git/branches', { as: user, body });
    if (res.status !== 201) throw new Error(`setup branch answered ${res.status}: ${res.text}`);
    w.commitTo(branchName);
    return branchName;
  };

  const requestFor = async (action: GitActionName, k: KindUnderTest, issueKey: string): Promise<{ method: string; path: string; body: Record<string, unknown> }> => {
    const target = { integrationId: k.integrationId, repositoryId: k.w.repositoryId, issueKey };
    switch (action) {
      case 'create-branch':
        return { method: 'POST', path: '/api/git/branches', body: { ...target, branchName: `faults/${uniqueSuffix()}`, fromRef: k.w.defaultBranch } };
      case 'delete-branch':
        return { method: 'DELETE', path: '/api/git/branches', body: { ...target, branchName: await freshBranch(k) } };
      case 'create-pull-request':
        return { method: 'POST', path: '/api/git/pull-requests', body: { ...target, sourceBranch: await freshBranch(k), targetBranch: k.w.defaultBranch, title: `${issueKey} under faults` } };
    }
  };

  // Fault-major order: every timeout runs first (see HOST_FAULTS).
  const cases = HOST_FAULTS.flatMap((fault) => kinds.flatMap((kind) => steps.map((step) => ({ kind, step, fault }))));

  it.each(cases.map((c) => [`${c.kind} ${c.step.action}: ${c.step.call} answers ${c.fault.name}`, c] as const))('%s', async (_title, { kind, step, fault }) => {
    const k = kindOf(kind);
    issueNumber += 1;
    const issueKey = `PROJ-${issueNumber}`;
    const request = await requestFor(step.action, k, issueKey);
    step.inject(rw.hosts, fault.fault);
    let res;
    try {
      res = await rw.h.call(request.method, request.path, { as: k.user, body: request.body });
    } finally {
      clearAllFaults(rw.hosts);
    }
    expect([res.status, res.body.code]).toEqual([fault.expected.status, fault.expected.code]);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    if (fault.expected.retryAfter) {
      expect(res.headers.get('retry-after')).toBe(fault.expected.retryAfter);
      expect(res.body.retryAfterSeconds).toBe(Number(fault.expected.retryAfter));
    }
    const { entries } = await rw.h.app.deps.audit.list(rw.tenant.site.clientKey, { integrationId: k.integrationId, limit: 50 });
    const recorded = entries.filter((e) => e.issueKey === issueKey);
    expect(recorded.map((e) => ({ action: e.action, outcome: e.outcome, code: e.code }))).toEqual([{ action: step.action, outcome: 'failed', code: fault.expected.code }]);
  });

  it.each(kinds)('%s: after every fault the user is still ready to act with their own PAT', async (kind) => {
    const k = kindOf(kind);
    const res = await rw.h.call('GET', '/api/issues/PROJ-1/git-readiness', { as: k.user, query: { integrationId: k.integrationId, repositoryId: k.w.repositoryId } });
    expect(res.body).toMatchObject({ status: 'ready', actedAs: { credential: 'user-pat' } });
  });
};

/** Faults matched by method and path (GitHub, GitLab, Azure DevOps simulators). */
export const onPath =
  (simulator: 'github' | 'gitlab' | 'azure', method: string, pathIncludes: string) =>
  (hosts: HostSimulators, fault: Fault): void =>
    hosts[simulator].injectFault({ ...fault, method, pathIncludes });

/** CodeCommit answers every operation on `POST /`: let the calls before the faulted one through. */
export const afterCodeCommitCalls =
  (passCount: number) =>
  (hosts: HostSimulators, fault: Fault): void =>
    hosts.codecommit.injectFaultAfter(passCount, fault);
