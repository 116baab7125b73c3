import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { isAppError, type AppError } from '../../lambdas/domain/errors';
import { Secret } from '../../lambdas/domain/secret';
import { checkBaseUrl, classifyAddress, type HostResolver } from '../../lambdas/hosts/base-url-guard';
import { createAzureDevOpsProvider } from '../../lambdas/hosts/azure-devops/adapter';
import { createCodeCommitProvider } from '../../lambdas/hosts/codecommit/adapter';
import type { GitProvider, HostCallOptions, HostCredential, HostTarget } from '../../lambdas/hosts/git-provider';
import { createGitHubProvider } from '../../lambdas/hosts/github/adapter';
import { createGitLabProvider } from '../../lambdas/hosts/gitlab/adapter';
import { OutboundConnections } from '../../lambdas/hosts/outbound-connections';
import { providersFor } from '../../lambdas/hosts/provider-registry';
import type { Config } from '../../lambdas/config';

/**
 * SSRF and DNS rebinding, as an attacker would try them: an admin-given host URL that is (or later
 * resolves to) an internal address must never get a connection from patgate, whichever host client sends.
 */

/** A TCP listener on loopback that only counts the connections it accepts. */
class ConnectionRecorder {
  accepted = 0;
  readonly #server: Server = createServer((socket: Socket) => {
    this.accepted += 1;
    socket.destroy();
  });

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return (this.#server.address() as AddressInfo).port;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

const failureOf = async (call: Promise<unknown>): Promise<AppError> => {
  const outcome = await call.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a failure, got ${JSON.stringify(outcome.value)}`);
  if (!isAppError(outcome.error)) throw outcome.error;
  return outcome.error;
};

const token: HostCredential = { kind: 'token', token: new Secret('ghp_attack0000000000000000000000000000') };
const awsKeys: HostCredential = { kind: 'aws-keys', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: new Secret('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY') };

interface Family {
  readonly name: string;
  readonly credential: HostCredential;
  readonly provider: (baseUrl: string, options: HostCallOptions) => GitProvider;
}

const target = (provider: HostTarget['provider'], url: string, extra: Partial<HostTarget> = {}): HostTarget => ({ provider, apiUrl: url, webUrl: url, ...extra });

const FAMILIES: readonly Family[] = [
  { name: 'GitHub Enterprise (Octokit)', credential: token, provider: (url, o) => createGitHubProvider(target('github-enterprise', `${url}/api/v3`), o) },
  { name: 'GitLab self-managed (Gitbeaker)', credential: token, provider: (url, o) => createGitLabProvider(target('gitlab-self-managed', url), o) },
  { name: 'Azure DevOps Server / TFS (azure-devops-node-api)', credential: token, provider: (url, o) => createAzureDevOpsProvider(target('tfs', `${url}/tfs/DefaultCollection`, { tfsVersion: '2019' }), o) },
  { name: 'CodeCommit (AWS SDK)', credential: awsKeys, provider: (url, o) => createCodeCommitProvider(target('codecommit', url, { region: 'eu-west-1' }), o) },
];

const TIMEOUTS = { connectTimeoutMs: 500, requestTimeoutMs: 1_500 };

describe('address classification by ipaddr.js range', () => {
  test.each([
    ['::ffff:169.254.169.254', 'forbidden'],
    ['::ffff:a9fe:a9fe', 'forbidden'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::7f00:1', 'forbidden'],
    ['64:ff9b::a9fe:a9fe', 'forbidden'],
    ['64:ff9b::7f00:1', 'forbidden'],
    ['64:ff9b::a00:1', 'forbidden'],
    ['64:ff9b:1::808:808', 'forbidden'],
    ['0x7f000001', 'loopback'],
    ['2130706433', 'loopback'],
    ['127.1', 'loopback'],
    ['0.0.0.0', 'forbidden'],
    ['::', 'forbidden'],
    ['10.1.2.3', 'forbidden'],
    ['172.16.0.1', 'forbidden'],
    ['192.168.1.1', 'forbidden'],
    ['100.64.0.1', 'forbidden'],
    ['169.254.169.254', 'forbidden'],
    ['fd00:ec2::254', 'forbidden'],
    ['fe80::1', 'forbidden'],
    ['fe80::1%eth0', 'forbidden'],
    ['224.0.0.1', 'forbidden'],
    ['ff02::1', 'forbidden'],
    ['255.255.255.255', 'forbidden'],
    ['240.0.0.1', 'forbidden'],
    ['192.0.2.1', 'forbidden'],
    ['2001:db8::1', 'forbidden'],
    ['2002:7f00:1::1', 'forbidden'],
    ['2002:a9fe:a9fe::1', 'forbidden'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'forbidden'],
    ['::ffff:0:7f00:1', 'forbidden'],
    ['not-an-address', 'forbidden'],
    ['::1', 'loopback'],
    ['127.0.0.1', 'loopback'],
    ['8.8.8.8', 'public'],
    ['140.82.112.3', 'public'],
    ['::ffff:8.8.8.8', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['64:ff9b::808:808', 'public'],
  ])('%s is %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });
});

describe('saving a base URL refuses every spelling of an internal address', () => {
  const noDns: HostResolver = () => Promise.reject(new Error('no DNS in this test'));

  test.each([
    'https://[::ffff:169.254.169.254]',
    'https://[::ffff:a9fe:a9fe]',
    'https://[::ffff:127.0.0.1]',
    'https://[::7f00:1]',
    'https://[64:ff9b::a9fe:a9fe]',
    'https://[64:ff9b::7f00:1]',
    'https://0x7f000001',
    'https://2130706433',
    'https://127.1',
    'https://0.0.0.0',
    'https://[::]',
    'https://100.100.100.200',
    'https://[fd00:ec2::254]',
    'https://[2002:a9fe:a9fe::]',
    'https://[ff02::1]',
  ])('%s', async (url) => {
    await expect(checkBaseUrl(url, { allowLoopback: false, resolve: noDns })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  test('local mode allows loopback, never private, link-local or metadata ranges', async () => {
    await expect(checkBaseUrl('http://[::ffff:127.0.0.1]:8080', { allowLoopback: true, resolve: noDns })).resolves.toBe('http://[::ffff:7f00:1]:8080');
    for (const url of ['http://10.0.0.5', 'http://[::ffff:169.254.169.254]', 'http://[fd00:ec2::254]', 'http://192.168.0.10']) {
      await expect(checkBaseUrl(url, { allowLoopback: true, resolve: noDns })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    }
  });

  test('a name that resolves to an IPv4-mapped metadata address is refused', async () => {
    const resolve: HostResolver = () => Promise.resolve(['::ffff:a9fe:a9fe']);
    await expect(checkBaseUrl('https://git.example.com', { allowLoopback: false, resolve })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe.each(FAMILIES)('$name: the connection is checked and pinned at connect time', (family) => {
  let listener: ConnectionRecorder;
  let port: number;

  beforeEach(async () => {
    listener = new ConnectionRecorder();
    port = await listener.start();
  });
  afterEach(() => listener.stop());

  /** Answers a public address once (when the admin saves), then an internal one (when patgate connects). */
  const rebinding = (internal: string): HostResolver => {
    let asked = 0;
    return () => Promise.resolve((asked += 1) === 1 ? ['93.184.215.14'] : [internal]);
  };

  test.each(['127.0.0.1', '169.254.169.254', '::ffff:127.0.0.1', '10.0.0.7'])('DNS rebinding to %s after the save reaches nothing', async (internal) => {
    const resolve = rebinding(internal);
    // `localhost` is what the system resolver would answer too: without the guard the call reaches the listener.
    const baseUrl = await checkBaseUrl(`https://localhost:${port}`, { allowLoopback: false, resolve });
    const connections = new OutboundConnections({ allowLoopback: false, resolve });
    try {
      const failure = await failureOf(family.provider(baseUrl, { ...TIMEOUTS, connections }).verifyToken(family.credential));
      expect(failure.code).toBe('HOST_UNAVAILABLE');
      expect(listener.accepted).toBe(0);
      expect(connections.connectionsOpened).toBe(1);
    } finally {
      connections.destroy();
    }
  });

  test('an address literal, which skips DNS, is checked too', async () => {
    const connections = new OutboundConnections({ allowLoopback: false });
    try {
      const failure = await failureOf(family.provider(`http://[::ffff:127.0.0.1]:${port}`, { ...TIMEOUTS, connections }).verifyToken(family.credential));
      expect(failure.code).toBe('HOST_UNAVAILABLE');
      expect(listener.accepted).toBe(0);
    } finally {
      connections.destroy();
    }
  });

  test('local mode connects to loopback, and still refuses a private answer', async () => {
    const loopback = new OutboundConnections({ allowLoopback: true, resolve: () => Promise.resolve(['127.0.0.1']) });
    const privateAnswer = new OutboundConnections({ allowLoopback: true, resolve: () => Promise.resolve(['127.0.0.1', '10.0.0.7']) });
    try {
      await failureOf(family.provider(`http://sim.test:${port}`, { ...TIMEOUTS, connections: loopback }).verifyToken(family.credential));
      expect(listener.accepted).toBeGreaterThanOrEqual(1);
      const before = listener.accepted;
      await failureOf(family.provider(`http://sim.test:${port}`, { ...TIMEOUTS, connections: privateAnswer }).verifyToken(family.credential));
      expect(listener.accepted).toBe(before);
    } finally {
      loopback.destroy();
      privateAnswer.destroy();
    }
  });
});

describe('the registry the Lambdas use', () => {
  let listener: ConnectionRecorder;
  let port: number;

  beforeEach(async () => {
    listener = new ConnectionRecorder();
    port = await listener.start();
  });
  afterEach(() => listener.stop());

  test('outside local mode, an integration whose host resolves to loopback gets no connection', async () => {
    const providers = providersFor({ allowSimulatedHosts: false, configurablePublicHostEndpoints: false } as Config, TIMEOUTS);
    const failure = await failureOf(providers({ provider: 'github-enterprise', baseUrl: `http://localhost:${port}` }).verifyToken(token));
    expect(failure.code).toBe('HOST_UNAVAILABLE');
    expect(listener.accepted).toBe(0);
  });

  test('in local mode, the simulators on loopback are reached', async () => {
    const url = `http://localhost:${port}`;
    const providers = providersFor({ allowSimulatedHosts: true, configurablePublicHostEndpoints: true, githubApiUrl: url, githubWebUrl: url, gitlabUrl: url, codecommitEndpoint: url } as Config, TIMEOUTS);
    await failureOf(providers({ provider: 'github' }).verifyToken(token));
    expect(listener.accepted).toBeGreaterThanOrEqual(1);
  });
});
