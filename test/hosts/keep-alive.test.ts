import type { Socket } from 'node:net';
import { createAzureDevOpsProvider } from '../../lambdas/hosts/azure-devops/adapter';
import { Secret } from '../../lambdas/domain/secret';
import { createCodeCommitProvider } from '../../lambdas/hosts/codecommit/adapter';
import { CodeCommitSimulator } from '../../simulators/codecommit/simulator';
import type { GitProvider, HostCallOptions, HostCredential } from '../../lambdas/hosts/git-provider';
import { createGitHubProvider } from '../../lambdas/hosts/github/adapter';
import { GitHubSimulator } from '../../simulators/github/simulator';
import type { Fault, LoopbackServer } from '../../simulators/kit/loopback-server';
import { OutboundConnections } from '../../lambdas/hosts/outbound-connections';
import { AzureDevOpsWorld, kind, REPOSITORY as AZURE_REPOSITORY, tokenCredential as azureToken, uniqueBranch } from './azure-devops/azure-devops-world';
import { failureOf, REPOSITORY as GITHUB_REPOSITORY, seedWorld, tokenCredential } from './github/github-world';

/**
 * Keep-alive per host, and the write-safety rule that comes with it: a write is sent again only when
 * it provably never reached the host (a reused connection had closed before one byte was written).
 * Connection counts are the guarded pool's own (every TCP connect it made).
 */

const TIMEOUTS = { connectTimeoutMs: 500, requestTimeoutMs: 2_000 };

/** The pool's idle sockets, and a promise that settles when the host has closed each of them. */
const idleSocketsOf = (connections: OutboundConnections): Socket[] =>
  Object.values(connections.httpAgent.freeSockets).flatMap((sockets) => (sockets ?? []) as Socket[]);

/** The host's FIN reached the client: Node.js 20 ends the pooled socket first; Node.js 22's agent closes it at once. */
const untilHostClosed = (socket: Socket): Promise<void> =>
  new Promise((resolve) => {
    socket.once('end', () => resolve());
    socket.once('close', () => resolve());
  });

interface Subject {
  readonly name: string;
  /** How many times the host received the write that `write` sends (one request). */
  writes(): number;
  server(): { closeIdleConnections(): void; injectFault: LoopbackServer['injectFault']; clearFaults(): void };
  provider(options: HostCallOptions): GitProvider;
  warmUp(provider: GitProvider): Promise<unknown>;
  createBranch(provider: GitProvider): Promise<unknown>;
  /** An action whose only host request is a write. */
  write(provider: GitProvider): Promise<unknown>;
  /** A fault that hits that write. */
  readonly writeFault: Fault;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const github = (): Subject => {
  const sim = new GitHubSimulator();
  let token = '';
  const credential = () => tokenCredential(token);
  return {
    name: 'GitHub',
    writes: () => sim.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/pulls')).length,
    server: () => sim,
    provider: (options) => createGitHubProvider(sim.hostTarget('github'), options),
    warmUp: (p) => p.verifyToken(credential()),
    createBranch: (p) => p.createBranch(credential(), { repository: GITHUB_REPOSITORY, branchName: `feature/${Math.random().toString(36).slice(2, 8)}`, fromRef: 'main' }),
    write: (p) => p.createPullRequest(credential(), { repository: GITHUB_REPOSITORY, sourceBranch: 'release/1.0', targetBranch: 'main', title: 'PROJ-1' }),
    writeFault: { method: 'POST', pathIncludes: '/pulls', resetConnection: true, times: 1 },
    start: async () => {
      await sim.start();
      token = seedWorld(sim).aliceToken;
    },
    stop: () => sim.stop(),
  };
};

const azure = (): Subject => {
  let world: AzureDevOpsWorld | undefined;
  let pat = '';
  const services = kind('Azure DevOps Services');
  const w = (): AzureDevOpsWorld => {
    if (!world) throw new Error('not started');
    return world;
  };
  return {
    name: 'Azure DevOps',
    writes: () => w().sim.requests.filter((r) => r.method === 'POST' && /pullrequests$/i.test(r.path)).length,
    server: () => w().sim.server,
    provider: (options) => createAzureDevOpsProvider(w().target(services), options),
    // Negotiates the API version too, so the pull request's POST is the first request of the next call.
    warmUp: (p) => p.createBranch(azureToken(pat), { repository: AZURE_REPOSITORY, branchName: uniqueBranch(), fromRef: 'main' }),
    createBranch: (p) => p.createBranch(azureToken(pat), { repository: AZURE_REPOSITORY, branchName: uniqueBranch(), fromRef: 'main' }),
    // The API version is negotiated by then (the first test's action), so this POST is the only request.
    write: (p) => p.createPullRequest(azureToken(pat), { repository: AZURE_REPOSITORY, sourceBranch: 'develop', targetBranch: 'main', title: 'PROJ-1' }),
    writeFault: { method: 'POST', pathIncludes: '/pullRequests', resetConnection: true, times: 1 },
    start: async () => {
      world = await AzureDevOpsWorld.start();
      pat = world.pat();
    },
    stop: () => w().sim.stop(),
  };
};

const codecommit = (): Subject => {
  const sim = new CodeCommitSimulator({ region: 'eu-west-1' });
  let key = { accessKeyId: '', secretAccessKey: '' };
  let repositories = 0;
  const credential = (): HostCredential => ({ kind: 'aws-keys', accessKeyId: key.accessKeyId, secretAccessKey: new Secret(key.secretAccessKey) });
  const freshRepository = (): string => {
    repositories += 1;
    const name = `keep-alive-${repositories}`;
    sim.createRepository({ name, defaultBranch: 'main', branches: { main: 'a'.repeat(40), gone: 'b'.repeat(40) } });
    return name;
  };
  return {
    name: 'CodeCommit',
    writes: () => sim.requests.filter((r) => (r.headers['x-amz-target'] ?? '').endsWith('.DeleteBranch')).length,
    server: () => sim,
    provider: (options) => createCodeCommitProvider({ provider: 'codecommit', apiUrl: sim.url, webUrl: '', region: sim.region }, options),
    warmUp: (p) => p.verifyToken(credential()),
    createBranch: (p) => p.createBranch(credential(), { repository: freshRepository(), branchName: 'feature', fromRef: 'main' }),
    write: (p) => p.deleteBranch(credential(), { repository: freshRepository(), branchName: 'gone' }),
    // Every CodeCommit call is POST /: the fault hits the next request, the write itself.
    writeFault: { resetConnection: true, times: 1 },
    start: async () => {
      await sim.start();
      key = sim.issueAccessKey({ userName: 'alice' });
    },
    stop: () => sim.stop(),
  };
};

describe.each([github(), azure(), codecommit()])('$name', (subject) => {
  let connections: OutboundConnections;

  beforeAll(() => subject.start());
  afterAll(() => subject.stop());
  beforeEach(() => {
    connections = new OutboundConnections({ allowLoopback: true });
  });
  afterEach(() => {
    subject.server().clearFaults();
    connections.destroy();
  });

  test('a warm action opens no new connection', async () => {
    const provider = subject.provider({ ...TIMEOUTS, connections });
    await subject.createBranch(provider);
    const afterFirst = connections.connectionsOpened;
    expect(afterFirst).toBe(1);
    await subject.createBranch(subject.provider({ ...TIMEOUTS, connections }));
    await subject.createBranch(subject.provider({ ...TIMEOUTS, connections }));
    expect(connections.connectionsOpened).toBe(afterFirst);
  });

  test('a write reset on a fresh connection is reported, not sent again', async () => {
    const before = subject.writes();
    subject.server().injectFault(subject.writeFault);
    const failure = await failureOf(subject.write(subject.provider({ ...TIMEOUTS, connections })));
    expect(failure.code).toBe('HOST_UNAVAILABLE');
    expect(subject.writes() - before).toBe(1);
  });

  test('a write reset on a reused connection (the request reached the host) is reported, not sent again', async () => {
    const provider = subject.provider({ ...TIMEOUTS, connections });
    await subject.warmUp(provider);
    await subject.warmUp(provider);
    const opened = connections.connectionsOpened;
    const before = subject.writes();
    subject.server().injectFault(subject.writeFault);
    const failure = await failureOf(subject.write(provider));
    expect(failure.code).toBe('HOST_UNAVAILABLE');
    expect(subject.writes() - before).toBe(1);
    expect(connections.connectionsOpened).toBe(opened);
  });

  test('a write on a reused connection the host had closed before one byte was written is sent again, once', async () => {
    const provider = subject.provider({ ...TIMEOUTS, connections });
    await subject.warmUp(provider);
    await subject.warmUp(provider);
    const [idle] = idleSocketsOf(connections);
    expect(idle).toBeDefined();
    const opened = connections.connectionsOpened;
    const before = subject.writes();
    const closed = untilHostClosed(idle as Socket);
    subject.server().closeIdleConnections();
    await closed;
    // On Node.js 20 the pool has seen the host's FIN but not yet the socket's close: it still holds
    // the socket, and the write must find out that nothing was sent on it. Node.js 22 (the Lambda
    // runtime) drops the socket from the pool as the FIN arrives. Either way the write goes out once.
    if (!(idle as Socket).destroyed) expect(idleSocketsOf(connections)).toContain(idle);
    await subject.write(provider);
    expect(subject.writes() - before).toBe(1);
    expect(connections.connectionsOpened).toBe(opened + 1);
  });
});

describe('Azure DevOps negotiates the API version once per base URL', () => {
  let world: AzureDevOpsWorld;
  let pat: string;
  const connections = new OutboundConnections({ allowLoopback: true });

  beforeAll(async () => {
    world = await AzureDevOpsWorld.start();
    pat = world.pat();
  });
  afterAll(async () => {
    connections.destroy();
    await world.sim.stop();
  });

  const createBranch = (provider: GitProvider) =>
    provider.createBranch(azureToken(pat), { repository: AZURE_REPOSITORY, branchName: uniqueBranch(), fromRef: 'main' });

  test('the first action sends OPTIONS; later ones, from new providers, send only their 2 calls', async () => {
    const services = kind('Azure DevOps Services');
    await createBranch(world.provider(services, { ...TIMEOUTS, connections }));
    expect(world.sim.requests.map((r) => r.method)).toEqual(['OPTIONS', 'GET', 'POST']);
    for (let action = 0; action < 3; action += 1) {
      world.sim.clearRequests();
      await createBranch(world.warmProvider(services, { ...TIMEOUTS, connections }));
      expect(world.sim.requests.map((r) => r.method)).toEqual(['GET', 'POST']);
    }
    world.sim.clearRequests();
    await world.warmProvider(services, { ...TIMEOUTS, connections }).createPullRequest(azureToken(pat), { repository: AZURE_REPOSITORY, sourceBranch: 'develop', targetBranch: 'main', title: 'PROJ-2' });
    expect(world.sim.requests.map((r) => r.method)).toEqual(['POST']);
  });

  test('another organisation or collection negotiates its own version', async () => {
    const tfs2018 = kind('TFS 2018');
    world.sim.clearRequests();
    await createBranch(world.warmProvider(tfs2018, { ...TIMEOUTS, connections }));
    const refs = world.sim.requests.filter((r) => r.method !== 'OPTIONS');
    expect(world.sim.requests[0]?.method).toBe('OPTIONS');
    expect(refs.every((r) => r.query.includes(`api-version=${tfs2018.refsApiVersion}`) || (r.headers.accept ?? '').includes(`api-version=${tfs2018.refsApiVersion}`))).toBe(true);
  });
});
