import { AppError } from '../../../lambdas/domain/errors';
import { Secret } from '../../../lambdas/domain/secret';
import { createCodeCommitProvider } from '../../../lambdas/hosts/codecommit/adapter';
import type { CodeCommitSimulator } from '../../../simulators/codecommit/simulator';
import { DEFAULT_HOST_CALL_OPTIONS, type HostCredential } from '../../../lambdas/hosts/git-provider';
import {
  captureOutput,
  credentialOf,
  DEVELOP_COMMIT,
  everyRenderingOf,
  MAIN_COMMIT,
  REGION,
  REPOSITORY,
  seedWorld,
  SHORT_TIMEOUTS,
  startSimulator,
  untilRecorded,
  type CodeCommitWorld,
} from './codecommit-world';
import { LOCAL_HOSTS_ALLOWED } from '../../../lambdas/hosts/outbound-connections';

const failureOf = async (promise: Promise<unknown>): Promise<AppError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
};

let simulator: CodeCommitSimulator;
let world: CodeCommitWorld;

beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(() => simulator.stop());
beforeEach(() => {
  world = seedWorld(simulator);
});

describe('verifyToken (STS GetCallerIdentity)', () => {
  it('names the IAM user that owns the key pair, with its ARN as display name, no expiry and no scopes', async () => {
    const identity = await world.provider().verifyToken(world.alice);

    expect(identity).toEqual({ login: 'alice', displayName: `arn:aws:iam::${simulator.accountId}:user/alice` });
    expect(simulator.operations()).toEqual(['GetCallerIdentity']);
  });

  it.each([
    [
      'a deactivated key',
      (w: CodeCommitWorld) => {
        w.simulator.deactivateAccessKey(w.aliceKey.accessKeyId);
        return w.alice;
      },
    ],
    ['a key AWS never issued', (w: CodeCommitWorld) => ({ ...w.alice, accessKeyId: 'AKIAIOSFODNN7EXAMPLE' })],
    ['the right key id with a wrong secret', (w: CodeCommitWorld) => ({ ...w.alice, secretAccessKey: new Secret('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY') })],
  ])('refuses %s as a rejected credential', async (_case, credentialFor) => {
    const credential = credentialFor(world);

    const failure = await failureOf(world.provider().verifyToken(credential));

    expect(failure).toMatchObject({ code: 'SERVICE_CREDENTIAL_REJECTED', hostReason: 'unauthorized' });
  });

  it('tells STS answers apart: unknown key is InvalidClientTokenId, wrong secret is SignatureDoesNotMatch (both 403)', async () => {
    await failureOf(world.provider().verifyToken({ ...world.alice, accessKeyId: 'AKIAIOSFODNN7EXAMPLE' }));
    await failureOf(world.provider().verifyToken({ ...world.alice, secretAccessKey: new Secret('x'.repeat(40)) }));

    const [unknownKey, wrongSecret] = simulator.requests;
    expect(unknownKey).toMatchObject({ status: 403, responseBody: expect.stringContaining('<Code>InvalidClientTokenId</Code>') });
    expect(wrongSecret).toMatchObject({ status: 403, responseBody: expect.stringContaining('<Code>SignatureDoesNotMatch</Code>') });
  });
});

describe('createBranch', () => {
  it('creates the branch at the source commit, as the acting user, and links it in the console', async () => {
    const result = await world.provider().createBranch(world.alice, { repository: REPOSITORY, branchName: 'feature/PAY-1', fromRef: 'main' });

    expect(result).toEqual({
      commitId: MAIN_COMMIT,
      url: `https://${REGION}.console.aws.amazon.com/codesuite/codecommit/repositories/${REPOSITORY}/browse/refs/heads/feature/PAY-1?region=${REGION}`,
    });
    expect(simulator.getBranch(REPOSITORY, 'feature/PAY-1')).toEqual({
      commitId: MAIN_COMMIT,
      createdBy: 'alice',
      createdByArn: `arn:aws:iam::${simulator.accountId}:user/alice`,
    });
    expect(simulator.operations()).toEqual(['GetBranch', 'CreateBranch']);
  });

  it('records whichever user signed the request as the author', async () => {
    const bob = credentialOf(simulator.issueAccessKey({ userName: 'bob' }));

    await world.provider().createBranch(bob, { repository: REPOSITORY, branchName: 'feature/PAY-2', fromRef: 'develop' });

    expect(simulator.getBranch(REPOSITORY, 'feature/PAY-2')).toMatchObject({ createdBy: 'bob' });
  });

  it('reports an existing branch as CONFLICT and leaves it alone', async () => {
    const failure = await failureOf(world.provider().createBranch(world.alice, { repository: REPOSITORY, branchName: 'develop', fromRef: 'main' }));

    expect(failure).toMatchObject({ code: 'CONFLICT', status: 409, hostReason: 'conflict' });
    expect(simulator.getBranch(REPOSITORY, 'develop')).toEqual({ commitId: DEVELOP_COMMIT });
  });

  it('reports a missing source branch as NOT_FOUND without trying to create anything', async () => {
    const failure = await failureOf(world.provider().createBranch(world.alice, { repository: REPOSITORY, branchName: 'feature/x', fromRef: 'nope' }));

    expect(failure).toMatchObject({ code: 'NOT_FOUND', hostReason: 'not-found' });
    expect(simulator.operations()).toEqual(['GetBranch']);
  });

  it('reports an unknown repository as NOT_FOUND', async () => {
    const failure = await failureOf(world.provider().createBranch(world.alice, { repository: 'ledger', branchName: 'feature/x', fromRef: 'main' }));

    expect(failure).toMatchObject({ code: 'NOT_FOUND', status: 404, hostReason: 'not-found' });
  });

  it('reports an IAM denial as NOT_FOUND (forbidden), with the same message as a missing repository', async () => {
    simulator.setAccess('alice', REPOSITORY, false);

    const denied = await failureOf(world.provider().createBranch(world.alice, { repository: REPOSITORY, branchName: 'feature/x', fromRef: 'main' }));
    const missing = await failureOf(world.provider().createBranch(world.alice, { repository: 'ledger', branchName: 'feature/x', fromRef: 'main' }));

    expect(denied).toMatchObject({ code: 'NOT_FOUND', hostReason: 'forbidden' });
    expect(denied.message).toBe(missing.message);
    expect(simulator.getBranch(REPOSITORY, 'feature/x')).toBeUndefined();
  });

  it('reports a branch name CodeCommit refuses as VALIDATION_FAILED', async () => {
    const failure = await failureOf(world.provider().createBranch(world.alice, { repository: REPOSITORY, branchName: 'bad..name', fromRef: 'main' }));

    expect(failure).toMatchObject({ code: 'VALIDATION_FAILED', hostReason: 'bad-request' });
  });

  it('refuses a deactivated key on CodeCommit itself (UnrecognizedClientException)', async () => {
    simulator.deactivateAccessKey(world.aliceKey.accessKeyId);

    const failure = await failureOf(world.provider().createBranch(world.alice, { repository: REPOSITORY, branchName: 'feature/x', fromRef: 'main' }));

    expect(failure).toMatchObject({ code: 'SERVICE_CREDENTIAL_REJECTED', hostReason: 'unauthorized' });
    expect(simulator.requests[0]?.responseBody).toContain('UnrecognizedClientException');
  });
});

describe('deleteBranch', () => {
  it('deletes the branch', async () => {
    simulator.createRepository({ name: 'ledger', defaultBranch: 'main', branches: { main: MAIN_COMMIT, 'feature/old': MAIN_COMMIT } });

    await world.provider().deleteBranch(world.alice, { repository: 'ledger', branchName: 'feature/old' });

    expect(simulator.getBranch('ledger', 'feature/old')).toBeUndefined();
    expect(simulator.operations()).toEqual(['DeleteBranch']);
  });

  it('reports a missing branch (CodeCommit answers without deletedBranch) as NOT_FOUND', async () => {
    const failure = await failureOf(world.provider().deleteBranch(world.alice, { repository: REPOSITORY, branchName: 'feature/gone' }));

    expect(failure).toMatchObject({ code: 'NOT_FOUND', hostReason: 'not-found' });
    expect(simulator.requests[0]).toMatchObject({ status: 200, responseBody: '{}' });
  });

  it('reports the default branch as CONFLICT and keeps it', async () => {
    const failure = await failureOf(world.provider().deleteBranch(world.alice, { repository: REPOSITORY, branchName: 'main' }));

    expect(failure).toMatchObject({ code: 'CONFLICT', hostReason: 'conflict' });
    expect(simulator.getBranch(REPOSITORY, 'main')).toBeDefined();
  });
});

describe('createPullRequest', () => {
  const input = { repository: REPOSITORY, sourceBranch: 'develop', targetBranch: 'main', title: 'PAY-1 Pay by card', description: 'From Jira' };

  it('opens the pull request as the acting user and links it in the console', async () => {
    const result = await world.provider().createPullRequest(world.alice, input);

    expect(result).toEqual({
      id: '1',
      url: `https://${REGION}.console.aws.amazon.com/codesuite/codecommit/repositories/${REPOSITORY}/pull-requests/1?region=${REGION}`,
    });
    expect(simulator.listPullRequests(REPOSITORY)).toEqual([
      expect.objectContaining({
        pullRequestId: '1',
        title: input.title,
        description: input.description,
        sourceReference: 'refs/heads/develop',
        destinationReference: 'refs/heads/main',
        status: 'OPEN',
        authorArn: `arn:aws:iam::${simulator.accountId}:user/alice`,
        createdBy: 'alice',
      }),
    ]);
    expect(simulator.operations()).toEqual(['ListPullRequests', 'CreatePullRequest']);
  });

  it('refuses a second open pull request for the same branches as CONFLICT, pointing at the first', async () => {
    simulator.seedPullRequest({ repository: REPOSITORY, sourceBranch: 'develop', targetBranch: 'main' });

    const failure = await failureOf(world.provider().createPullRequest(world.alice, input));

    expect(failure).toMatchObject({
      code: 'CONFLICT',
      hostReason: 'conflict',
      extensions: { existingPullRequestId: '1', existingPullRequestUrl: expect.stringContaining('/pull-requests/1?region=') },
    });
    expect(simulator.listPullRequests(REPOSITORY)).toHaveLength(1);
  });

  it('is not blocked by a closed pull request or by one for other branches', async () => {
    simulator.createRepository({
      name: REPOSITORY,
      defaultBranch: 'main',
      branches: { main: MAIN_COMMIT, develop: DEVELOP_COMMIT, hotfix: MAIN_COMMIT },
    });
    simulator.seedPullRequest({ repository: REPOSITORY, sourceBranch: 'develop', targetBranch: 'main', status: 'CLOSED' });
    simulator.seedPullRequest({ repository: REPOSITORY, sourceBranch: 'hotfix', targetBranch: 'main' });

    const result = await world.provider().createPullRequest(world.alice, input);

    expect(result.id).toBe('3');
  });

  it('finds a duplicate among more open pull requests than a default page, with one ListPullRequests', async () => {
    const branches = Object.fromEntries(Array.from({ length: 105 }, (_, i) => [`topic-${i}`, MAIN_COMMIT]));
    simulator.createRepository({ name: REPOSITORY, defaultBranch: 'main', branches: { main: MAIN_COMMIT, develop: MAIN_COMMIT, ...branches } });
    simulator.seedPullRequest({ repository: REPOSITORY, sourceBranch: 'develop', targetBranch: 'main' });
    Object.keys(branches).forEach((branch) => simulator.seedPullRequest({ repository: REPOSITORY, sourceBranch: branch, targetBranch: 'main' }));

    const failure = await failureOf(world.provider().createPullRequest(world.alice, input));

    expect(failure).toMatchObject({ code: 'CONFLICT', extensions: { existingPullRequestId: '1' } });
    expect(simulator.operations().filter((op) => op === 'ListPullRequests')).toHaveLength(1);
  });

  it('reads each open pull request once per container and credential: warm, a create costs ListPullRequests + CreatePullRequest', async () => {
    const topics = Array.from({ length: 120 }, (_, i) => `topic-${i}`);
    simulator.createRepository({ name: REPOSITORY, defaultBranch: 'main', branches: Object.fromEntries(['main', 'develop', 'hotfix', ...topics].map((b) => [b, MAIN_COMMIT])) });
    topics.forEach((branch) => simulator.seedPullRequest({ repository: REPOSITORY, sourceBranch: branch, targetBranch: 'main' }));
    const provider = world.provider();

    const first = await provider.createPullRequest(world.alice, input);
    expect(simulator.operations().filter((op) => op === 'GetPullRequest')).toHaveLength(120);

    simulator.clearRequests();
    await provider.createPullRequest(world.alice, { ...input, sourceBranch: 'hotfix' });
    expect(simulator.operations()).toEqual(['ListPullRequests', 'CreatePullRequest']);

    // A duplicate of the pull request this container made is known without reading it again.
    simulator.clearRequests();
    const failure = await failureOf(world.provider().createPullRequest(world.alice, { ...input, title: 'another title' }));
    expect(failure).toMatchObject({ code: 'CONFLICT', extensions: { existingPullRequestId: first.id } });
    expect(simulator.operations()).toEqual(['ListPullRequests']);
    expect(simulator.listPullRequests(REPOSITORY).filter((pr) => pr.status === 'OPEN')).toHaveLength(122);
  });

  it('does not share what one credential read with another', async () => {
    simulator.seedPullRequest({ repository: REPOSITORY, sourceBranch: 'develop', targetBranch: 'main' });
    await failureOf(world.provider().createPullRequest(world.alice, input));
    const bob = credentialOf(simulator.issueAccessKey({ userName: 'bob' }));

    simulator.clearRequests();
    const failure = await failureOf(world.provider().createPullRequest(bob, input));

    expect(failure).toMatchObject({ code: 'CONFLICT', extensions: { existingPullRequestId: '1' } });
    expect(simulator.operations()).toEqual(['ListPullRequests', 'GetPullRequest']);
  });

  it('reports a missing source branch as NOT_FOUND', async () => {
    const failure = await failureOf(world.provider().createPullRequest(world.alice, { ...input, sourceBranch: 'nope' }));

    expect(failure).toMatchObject({ code: 'NOT_FOUND' });
    expect(simulator.listPullRequests(REPOSITORY)).toEqual([]);
  });

  it('reports an unknown repository as NOT_FOUND', async () => {
    const failure = await failureOf(world.provider().createPullRequest(world.alice, { ...input, repository: 'ledger' }));

    expect(failure).toMatchObject({ code: 'NOT_FOUND', hostReason: 'not-found' });
  });
});

describe('host trouble', () => {
  const createBranch = (w: CodeCommitWorld) =>
    w.provider().createBranch(w.alice, { repository: REPOSITORY, branchName: 'feature/x', fromRef: 'main' });

  it('maps AWS throttling with Retry-After: 7 to HOST_RATE_LIMITED 7, without retrying', async () => {
    simulator.throttle({ retryAfterSeconds: 7 });

    const failure = await failureOf(createBranch(world));

    expect(failure).toMatchObject({ code: 'HOST_RATE_LIMITED', status: 429, hostReason: 'rate-limited', retryAfterSeconds: 7 });
    expect(simulator.requests).toHaveLength(1);
    expect(simulator.requests[0]).toMatchObject({ status: 400, responseBody: '{"__type":"ThrottlingException","message":"Rate exceeded"}' });
  });

  it('waits 60 s when AWS throttles without saying how long, and honours an HTTP-date Retry-After', async () => {
    simulator.throttle();
    const plain = await failureOf(world.provider().verifyToken(world.alice));
    simulator.injectFault({
      times: 1,
      status: 429,
      headers: { 'retry-after': new Date(Date.now() + 30_000).toUTCString() },
      body: { message: 'Too Many Requests' },
    });
    const dated = await failureOf(createBranch(world));

    expect(plain).toMatchObject({ code: 'HOST_RATE_LIMITED', retryAfterSeconds: 60 });
    expect(dated.retryAfterSeconds).toBeGreaterThanOrEqual(28);
    expect(dated.retryAfterSeconds).toBeLessThanOrEqual(31);
  });

  it('retries a read once it gets a 503, and succeeds', async () => {
    simulator.injectFault({ times: 1, status: 503, body: { message: 'Service Unavailable' } });

    const result = await createBranch(world);

    expect(result.commitId).toBe(MAIN_COMMIT);
    expect(simulator.operations()).toEqual(['GetBranch', 'GetBranch', 'CreateBranch']);
  });

  it('gives up a read after two retries: HOST_UNAVAILABLE', async () => {
    simulator.injectFault({ status: 503, body: { message: 'Service Unavailable' } });

    const failure = await failureOf(createBranch(world));

    expect(failure).toMatchObject({ code: 'HOST_UNAVAILABLE', status: 502, hostReason: 'unavailable' });
    expect(simulator.operations()).toEqual(['GetBranch', 'GetBranch', 'GetBranch']);
  });

  it('never retries a write', async () => {
    simulator.injectFaultAfter(1, { status: 503, body: { message: 'Service Unavailable' } });

    const failure = await failureOf(createBranch(world));

    expect(failure).toMatchObject({ code: 'HOST_UNAVAILABLE' });
    expect(simulator.operations()).toEqual(['GetBranch', 'CreateBranch']);
    expect(simulator.getBranch(REPOSITORY, 'feature/x')).toBeUndefined();
  });

  it('gives up on a host that hangs past the call budget: HOST_TIMEOUT', async () => {
    const tight = { connectTimeoutMs: 300, requestTimeoutMs: 700, connections: LOCAL_HOSTS_ALLOWED };
    simulator.injectFault({ delayMs: 1_000, resetConnection: true });

    const failure = await failureOf(world.provider(tight).createBranch(world.alice, { repository: REPOSITORY, branchName: 'feature/x', fromRef: 'main' }));

    await untilRecorded(simulator, 1);
    // The hang ends in a reset (HOST_UNAVAILABLE) at 1 s: HOST_TIMEOUT proves the 700 ms budget ended the
    // call first. Both are timers of this process, so the order holds however loaded it is.
    expect(failure).toMatchObject({ code: 'HOST_TIMEOUT', status: 504, hostReason: 'timeout' });
    expect(simulator.operations()).toEqual(['GetBranch']);
    expect(simulator.getBranch(REPOSITORY, 'feature/x')).toBeUndefined();
  });

  it('with the default options, a hang gives HOST_TIMEOUT (504) after the 10 s budget, before a 10.8 s hang ends', async () => {
    simulator.injectFault({ delayMs: 10_800, resetConnection: true });
    const provider = createCodeCommitProvider(world.target, { ...DEFAULT_HOST_CALL_OPTIONS, connections: LOCAL_HOSTS_ALLOWED });
    const started = Date.now();

    const failure = await failureOf(provider.verifyToken(world.alice));

    const elapsed = Date.now() - started;
    await untilRecorded(simulator, 1);
    // Not sooner than the budget, and before the hang's reset (which would be HOST_UNAVAILABLE).
    expect(failure).toMatchObject({ code: 'HOST_TIMEOUT', status: 504 });
    expect(elapsed).toBeGreaterThanOrEqual(9_900);
  });

  it('maps a malformed JSON answer to HOST_UNAVAILABLE', async () => {
    simulator.injectFault({ malformedBody: true });

    const failure = await failureOf(createBranch(world));

    expect(failure).toMatchObject({ code: 'HOST_UNAVAILABLE', hostReason: 'unavailable' });
  });

  it('maps a reset connection to HOST_UNAVAILABLE after retrying the read', async () => {
    simulator.injectFault({ resetConnection: true });

    const failure = await failureOf(world.provider().verifyToken(world.alice));

    expect(failure).toMatchObject({ code: 'HOST_UNAVAILABLE' });
    expect(simulator.operations()).toEqual(['GetCallerIdentity', 'GetCallerIdentity', 'GetCallerIdentity']);
  });

  it('maps a refused connection to HOST_UNAVAILABLE', async () => {
    const closed = await startSimulatorUrlThenStop();
    const provider = createCodeCommitProvider({ ...world.target, apiUrl: closed }, SHORT_TIMEOUTS);

    const failure = await failureOf(provider.verifyToken(world.alice));

    expect(failure).toMatchObject({ code: 'HOST_UNAVAILABLE' });
  });
});

describe('credentials never leak', () => {
  it('keeps the secret access key out of stdout, stderr, the console and every error, on success and failure', async () => {
    const secret = world.aliceKey.secretAccessKey;
    const wrongSecret = 'Zq9wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKE';
    const provider = world.provider();
    const branch = { repository: REPOSITORY, branchName: 'feature/leak', fromRef: 'main' };

    const outcomes = [
      await captureOutput(() => provider.verifyToken(world.alice)),
      await captureOutput(() => provider.createBranch(world.alice, branch)),
      await captureOutput(() => provider.createBranch(world.alice, branch)),
      await captureOutput(() => provider.createBranch({ ...world.alice, secretAccessKey: new Secret(wrongSecret) }, branch)),
      await captureOutput(() => provider.verifyToken({ ...world.alice, secretAccessKey: new Secret(wrongSecret) })),
      await captureOutput(() => {
        simulator.injectFault({ times: 1, malformedBody: true });
        return provider.deleteBranch(world.alice, branch);
      }),
      await captureOutput(() => {
        simulator.throttle();
        return provider.createPullRequest(world.alice, { repository: REPOSITORY, sourceBranch: 'develop', targetBranch: 'main', title: 't' });
      }),
    ];

    expect(outcomes.filter((o) => o.error !== undefined)).toHaveLength(5);
    for (const { output, error } of outcomes) {
      expect(output).not.toContain(secret);
      expect(output).not.toContain(wrongSecret);
      expect(everyRenderingOf(error)).not.toContain(secret);
      expect(everyRenderingOf(error)).not.toContain(wrongSecret);
      if (error instanceof AppError) expect(JSON.stringify(error.extensions)).not.toContain(world.aliceKey.accessKeyId);
    }
  });
});

describe('provider basics', () => {
  it('sends users to their own IAM security credentials page for a new access key', () => {
    expect(world.provider().newTokenUrl()).toBe('https://console.aws.amazon.com/iam/home#/security_credentials');
  });

  it('refuses a credential that is not an access key pair, and a target without a region', async () => {
    const pat: HostCredential = { kind: 'token', token: new Secret('ghp_notForAws') };
    const noRegion = createCodeCommitProvider({ ...world.target, region: undefined }, SHORT_TIMEOUTS);

    await expect(world.provider().verifyToken(pat)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(noRegion.verifyToken(world.alice)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(simulator.requests).toHaveLength(0);
  });
});

/** The URL of a port nothing listens on any more. */
const startSimulatorUrlThenStop = async (): Promise<string> => {
  const other = await startSimulator();
  const url = other.url;
  await other.stop();
  return url;
};
