import {
  BranchDoesNotExistException,
  BranchNameExistsException,
  CodeCommitClient,
  CodeCommitServiceException,
  CreateBranchCommand,
  CreatePullRequestCommand,
  DefaultBranchCannotBeDeletedException,
  DeleteBranchCommand,
  GetBranchCommand,
  GetPullRequestCommand,
  GetRepositoryCommand,
  IdempotencyParameterMismatchException,
  ListPullRequestsCommand,
  PullRequestDoesNotExistException,
  RepositoryDoesNotExistException,
} from '@aws-sdk/client-codecommit';
import { GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import type { IssuedAccessKey } from '../../../simulators/codecommit/simulated-iam';
import type { CodeCommitSimulator } from '../../../simulators/codecommit/simulator';
import { DEVELOP_COMMIT, MAIN_COMMIT, REGION, REPOSITORY, seedWorld, startSimulator, type CodeCommitWorld } from './codecommit-world';

/**
 * The contract is the Smithy model compiled into the SDK: every answer below is parsed by the real
 * clients, and errors must come back as the SDK's own exception classes.
 */
const clientsFor = (simulator: CodeCommitSimulator, key: Pick<IssuedAccessKey, 'accessKeyId' | 'secretAccessKey'>) => {
  const config = {
    region: REGION,
    endpoint: simulator.url,
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
    maxAttempts: 1,
  };
  return { codeCommit: new CodeCommitClient(config), sts: new STSClient(config) };
};

const rejectionOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

let simulator: CodeCommitSimulator;
let world: CodeCommitWorld;
let codeCommit: CodeCommitClient;
let sts: STSClient;

beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(() => simulator.stop());
beforeEach(() => {
  world = seedWorld(simulator);
  ({ codeCommit, sts } = clientsFor(simulator, world.aliceKey));
});

describe('CodeCommit operations through the SDK', () => {
  it('GetRepository describes the repository with its default branch, ARN and dates', async () => {
    const { repositoryMetadata } = await codeCommit.send(new GetRepositoryCommand({ repositoryName: REPOSITORY }));

    expect(repositoryMetadata).toMatchObject({
      repositoryName: REPOSITORY,
      defaultBranch: 'main',
      accountId: simulator.accountId,
      Arn: `arn:aws:codecommit:${REGION}:${simulator.accountId}:${REPOSITORY}`,
      cloneUrlHttp: `https://git-codecommit.${REGION}.amazonaws.com/v1/repos/${REPOSITORY}`,
    });
    expect(repositoryMetadata?.creationDate).toBeInstanceOf(Date);
  });

  it('GetBranch, CreateBranch and DeleteBranch move the state and answer in the model shapes', async () => {
    const { branch } = await codeCommit.send(new GetBranchCommand({ repositoryName: REPOSITORY, branchName: 'develop' }));
    const created = await codeCommit.send(new CreateBranchCommand({ repositoryName: REPOSITORY, branchName: 'feature/a', commitId: DEVELOP_COMMIT }));
    const deleted = await codeCommit.send(new DeleteBranchCommand({ repositoryName: REPOSITORY, branchName: 'feature/a' }));
    const deletedAgain = await codeCommit.send(new DeleteBranchCommand({ repositoryName: REPOSITORY, branchName: 'feature/a' }));

    expect(branch).toEqual({ branchName: 'develop', commitId: DEVELOP_COMMIT });
    expect(created.$metadata.httpStatusCode).toBe(200);
    expect(deleted.deletedBranch).toEqual({ branchName: 'feature/a', commitId: DEVELOP_COMMIT });
    expect(deletedAgain.deletedBranch).toBeUndefined();
  });

  it('CreatePullRequest, ListPullRequests and GetPullRequest report the author and the full refs', async () => {
    const { pullRequest } = await codeCommit.send(
      new CreatePullRequestCommand({ title: 'PAY-1', targets: [{ repositoryName: REPOSITORY, sourceReference: 'develop', destinationReference: 'main' }] }),
    );
    const listed = await codeCommit.send(new ListPullRequestsCommand({ repositoryName: REPOSITORY, pullRequestStatus: 'OPEN' }));
    const fetched = await codeCommit.send(new GetPullRequestCommand({ pullRequestId: pullRequest?.pullRequestId }));

    expect(listed.pullRequestIds).toEqual([pullRequest?.pullRequestId]);
    expect(fetched.pullRequest).toMatchObject({
      pullRequestStatus: 'OPEN',
      authorArn: world.aliceKey.arn,
      clientRequestToken: expect.any(String),
      pullRequestTargets: [
        {
          repositoryName: REPOSITORY,
          sourceReference: 'refs/heads/develop',
          destinationReference: 'refs/heads/main',
          sourceCommit: DEVELOP_COMMIT,
          destinationCommit: MAIN_COMMIT,
          mergeMetadata: { isMerged: false },
        },
      ],
    });
    expect(fetched.pullRequest?.creationDate).toBeInstanceOf(Date);
  });

  it('ListPullRequests pages with nextToken and filters by status and author', async () => {
    simulator.createRepository({ name: REPOSITORY, defaultBranch: 'main', branches: { main: MAIN_COMMIT, a: MAIN_COMMIT, b: MAIN_COMMIT, c: MAIN_COMMIT } });
    simulator.seedPullRequest({ repository: REPOSITORY, sourceBranch: 'a', targetBranch: 'main' });
    simulator.seedPullRequest({ repository: REPOSITORY, sourceBranch: 'b', targetBranch: 'main', status: 'CLOSED' });
    simulator.seedPullRequest({ repository: REPOSITORY, sourceBranch: 'c', targetBranch: 'main', authorArn: world.aliceKey.arn });

    const first = await codeCommit.send(new ListPullRequestsCommand({ repositoryName: REPOSITORY, maxResults: 2 }));
    const second = await codeCommit.send(new ListPullRequestsCommand({ repositoryName: REPOSITORY, maxResults: 2, nextToken: first.nextToken }));
    const open = await codeCommit.send(new ListPullRequestsCommand({ repositoryName: REPOSITORY, pullRequestStatus: 'OPEN' }));
    const byAlice = await codeCommit.send(new ListPullRequestsCommand({ repositoryName: REPOSITORY, authorArn: world.aliceKey.arn }));

    expect([first.pullRequestIds, first.nextToken !== undefined, second.pullRequestIds, second.nextToken]).toEqual([['3', '2'], true, ['1'], undefined]);
    expect(open.pullRequestIds).toEqual(['3', '1']);
    expect(byAlice.pullRequestIds).toEqual(['3']);
  });

  it('replays a CreatePullRequest with the same client request token, and refuses the token for different input', async () => {
    const target = { repositoryName: REPOSITORY, sourceReference: 'develop', destinationReference: 'main' };
    const first = await codeCommit.send(new CreatePullRequestCommand({ title: 'PAY-1', targets: [target], clientRequestToken: 'token-1' }));
    const replay = await codeCommit.send(new CreatePullRequestCommand({ title: 'PAY-1', targets: [target], clientRequestToken: 'token-1' }));
    const reused = await rejectionOf(codeCommit.send(new CreatePullRequestCommand({ title: 'other', targets: [target], clientRequestToken: 'token-1' })));

    expect(replay.pullRequest?.pullRequestId).toBe(first.pullRequest?.pullRequestId);
    expect(reused).toBeInstanceOf(IdempotencyParameterMismatchException);
    expect(simulator.listPullRequests(REPOSITORY)).toHaveLength(1);
  });

  it.each([
    ['an unknown repository', () => new GetBranchCommand({ repositoryName: 'ledger', branchName: 'main' }), RepositoryDoesNotExistException, 'ledger does not exist'],
    ['a missing branch', () => new GetBranchCommand({ repositoryName: REPOSITORY, branchName: 'nope' }), BranchDoesNotExistException, undefined],
    ['an existing branch', () => new CreateBranchCommand({ repositoryName: REPOSITORY, branchName: 'develop', commitId: MAIN_COMMIT }), BranchNameExistsException, undefined],
    ['the default branch', () => new DeleteBranchCommand({ repositoryName: REPOSITORY, branchName: 'main' }), DefaultBranchCannotBeDeletedException, undefined],
    ['an unknown pull request', () => new GetPullRequestCommand({ pullRequestId: '999' }), PullRequestDoesNotExistException, undefined],
  ])('answers %s with the modelled exception the SDK turns into its class', async (_case, command, ErrorClass, message) => {
    const error = await rejectionOf(codeCommit.send(command() as GetBranchCommand));

    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toMatchObject({ $metadata: { httpStatusCode: 400 } });
    if (message) expect(error).toMatchObject({ message });
  });

  it('answers a user denied by IAM with AccessDeniedException naming the user, action and repository', async () => {
    simulator.setAccess('alice', REPOSITORY, false);

    const error = await rejectionOf(codeCommit.send(new GetBranchCommand({ repositoryName: REPOSITORY, branchName: 'main' })));

    expect(error).toBeInstanceOf(CodeCommitServiceException);
    expect(error).toMatchObject({
      name: 'AccessDeniedException',
      message: `User: ${world.aliceKey.arn} is not authorized to perform: codecommit:GetBranch on resource: arn:aws:codecommit:${REGION}:${simulator.accountId}:${REPOSITORY} because no identity-based policy allows the codecommit:GetBranch action`,
    });
  });
});

describe('STS through the SDK (awsQuery: form request, XML answer)', () => {
  it('GetCallerIdentity names the caller', async () => {
    const identity = await sts.send(new GetCallerIdentityCommand({}));

    expect(identity).toMatchObject({ Arn: world.aliceKey.arn, Account: simulator.accountId, UserId: expect.stringMatching(/^AIDA[A-Z2-7]{17}$/) });
    expect(simulator.requests[0]).toMatchObject({ body: 'Action=GetCallerIdentity&Version=2011-06-15' });
  });

  it('refuses an unknown key with InvalidClientTokenId and a wrong secret with SignatureDoesNotMatch (403)', async () => {
    const unknown = clientsFor(simulator, { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: world.aliceKey.secretAccessKey }).sts;
    const wrongSecret = clientsFor(simulator, { accessKeyId: world.aliceKey.accessKeyId, secretAccessKey: 'x'.repeat(40) }).sts;

    const errors = [await rejectionOf(unknown.send(new GetCallerIdentityCommand({})))];
    errors.push(await rejectionOf(wrongSecret.send(new GetCallerIdentityCommand({}))));

    expect(errors.map((e) => e instanceof STSServiceException && [e.name, e.$metadata.httpStatusCode])).toEqual([
      ['InvalidClientTokenId', 403],
      ['SignatureDoesNotMatch', 403],
    ]);
  });
});

describe('signatures and protocol', () => {
  it('issues AWS-shaped key pairs', () => {
    const key = simulator.issueAccessKey({ userName: 'bob' });

    expect(key.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(key.secretAccessKey).toHaveLength(40);
    expect(key.arn).toBe(`arn:aws:iam::${simulator.accountId}:user/bob`);
  });

  it('refuses a deactivated key with UnrecognizedClientException (400, x-amzn-ErrorType set)', async () => {
    simulator.deactivateAccessKey(world.aliceKey.accessKeyId);

    const error = await rejectionOf(codeCommit.send(new GetBranchCommand({ repositoryName: REPOSITORY, branchName: 'main' })));

    expect(error).toMatchObject({ name: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
    expect(simulator.requests[0]).toMatchObject({ status: 400 });
  });

  it('checks that the signature covers the body: a request altered after signing gets InvalidSignatureException', async () => {
    // Runs after signing, just before sending: swap the branch name for one of the same length.
    codeCommit.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { body: string };
        request.body = request.body.replace('"main"', '"mein"');
        return next(args);
      },
      { step: 'deserialize', priority: 'high' },
    );

    const error = await rejectionOf(codeCommit.send(new GetBranchCommand({ repositoryName: REPOSITORY, branchName: 'main' })));

    expect(error).toMatchObject({ name: 'InvalidSignatureException', $metadata: { httpStatusCode: 400 } });
  });

  it('rejects a wrong X-Amz-Target, a missing signature and a foreign content type as AWS does', async () => {
    const post = (headers: Record<string, string>) => fetch(simulator.url, { method: 'POST', headers, body: '{}' });

    const unknownTarget = await post({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'CodeCommit_20150413.DeleteRepository' });
    const otherService = await post({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'DynamoDB_20120810.ListTables' });
    const unsigned = await post({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'CodeCommit_20150413.GetBranch' });
    const plainJson = await post({ 'content-type': 'application/json', 'x-amz-target': 'CodeCommit_20150413.GetBranch' });

    for (const response of [unknownTarget, otherService]) {
      expect(response.status).toBe(400);
      expect(response.headers.get('x-amzn-errortype')).toMatch(/^UnknownOperationException:/);
      expect(await response.json()).toEqual({ __type: 'UnknownOperationException' });
    }
    expect(unsigned.status).toBe(400);
    expect(await unsigned.json()).toEqual({ __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
    expect(plainJson.status).toBe(404);
    expect(await plainJson.text()).toContain('<UnknownOperationException/>');
  });

  it('throttles as AWS does: 400 ThrottlingException, counted down per request', async () => {
    simulator.throttle({ times: 1 });

    const throttled = await rejectionOf(codeCommit.send(new GetBranchCommand({ repositoryName: REPOSITORY, branchName: 'main' })));
    const next = await codeCommit.send(new GetBranchCommand({ repositoryName: REPOSITORY, branchName: 'main' }));

    expect(throttled).toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
    expect(next.branch?.commitId).toBe(MAIN_COMMIT);
  });
});

describe('control over HTTP (/_control)', () => {
  const control = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
    const response = await fetch(`${simulator.url}/_control${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text === '' ? undefined : JSON.parse(text) };
  };

  it('seeds a repository and a key, lets the key act, and shows the result', async () => {
    await control('POST', '/reset');
    const repo = await control('POST', '/repositories', { name: 'ledger', defaultBranch: 'main', branches: { main: MAIN_COMMIT } });
    const { json: key } = await control('POST', '/access-keys', { userName: 'carol' });
    const carol = clientsFor(simulator, key as IssuedAccessKey).codeCommit;

    await carol.send(new CreateBranchCommand({ repositoryName: 'ledger', branchName: 'feature/c', commitId: MAIN_COMMIT }));
    const view = await control('GET', '/repositories/ledger');

    expect(repo.status).toBe(201);
    expect(view).toEqual({
      status: 200,
      json: {
        name: 'ledger',
        defaultBranch: 'main',
        branches: { main: { commitId: MAIN_COMMIT }, 'feature/c': { commitId: MAIN_COMMIT, createdBy: 'carol', createdByArn: (key as IssuedAccessKey).arn } },
        pullRequests: [],
      },
    });
  });

  it('deactivates keys, denies access, throttles, injects faults and lists requests', async () => {
    const deactivated = await control('POST', `/access-keys/${world.aliceKey.accessKeyId}/deactivate`);
    const afterDeactivation = await rejectionOf(codeCommit.send(new GetBranchCommand({ repositoryName: REPOSITORY, branchName: 'main' })));
    const bob = simulator.issueAccessKey({ userName: 'bob' });
    const bobClient = clientsFor(simulator, bob).codeCommit;
    await control('PUT', '/access', { userName: 'bob', repositoryName: REPOSITORY, allowed: false });
    const denied = await rejectionOf(bobClient.send(new GetBranchCommand({ repositoryName: REPOSITORY, branchName: 'main' })));
    await control('PUT', '/access', { userName: 'bob', repositoryName: REPOSITORY, allowed: true });
    await control('POST', '/throttle', { times: 1, retryAfterSeconds: 7 });
    const throttled = await rejectionOf(bobClient.send(new GetBranchCommand({ repositoryName: REPOSITORY, branchName: 'main' })));
    await control('POST', '/faults', { passCount: 1, status: 503, times: 1 });
    await bobClient.send(new GetBranchCommand({ repositoryName: REPOSITORY, branchName: 'main' }));
    const faulted = await rejectionOf(bobClient.send(new GetBranchCommand({ repositoryName: REPOSITORY, branchName: 'main' })));
    const log = await control('GET', '/requests');

    expect(deactivated.status).toBe(204);
    expect(afterDeactivation).toMatchObject({ name: 'UnrecognizedClientException' });
    expect(denied).toMatchObject({ name: 'AccessDeniedException' });
    expect(throttled).toMatchObject({ name: 'ThrottlingException', $response: { headers: { 'retry-after': '7' } } });
    expect(faulted).toMatchObject({ $metadata: { httpStatusCode: 503 } });
    expect(log).toMatchObject({ status: 200, json: { operations: ['GetBranch', 'GetBranch', 'GetBranch', 'GetBranch', 'GetBranch'] } });
    expect(JSON.stringify(log.json)).not.toMatch(/authorization/i);
  });

  it('refuses malformed control input and unknown routes', async () => {
    expect(await control('POST', '/repositories', { name: 'x', branches: { main: 'not-a-commit' } })).toMatchObject({ status: 400 });
    expect(await control('POST', '/access-keys', {})).toMatchObject({ status: 400 });
    expect(await control('GET', '/nothing')).toMatchObject({ status: 404 });
    expect(await control('GET', '/faults')).toMatchObject({ status: 405 });
    expect(await control('POST', '/access-keys/AKIANOTISSUED0000000/deactivate')).toMatchObject({ status: 404 });
  });
});
