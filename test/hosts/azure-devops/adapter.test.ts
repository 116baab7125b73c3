import { Secret } from '../../../lambdas/domain/secret';
import { createAzureDevOpsProvider } from '../../../lambdas/hosts/azure-devops/adapter';
import { signInPageFault } from '../../../simulators/azure-devops/simulator';
import type { HostCredential } from '../../../lambdas/hosts/git-provider';
import {
  AzureDevOpsWorld,
  DEVELOP_COMMIT,
  MAIN_COMMIT,
  PAT_KINDS,
  PRE_PAT_KINDS,
  REPOSITORY,
  SERVICE_ACCOUNT,
  USER,
  kind,
  tokenCredential,
  uniqueBranch,
  type HostKind,
} from './azure-devops-world';
import { callWithoutLeaks, failure } from './call-without-leaks';

let world: AzureDevOpsWorld;

beforeAll(async () => {
  world = await AzureDevOpsWorld.start();
});

afterAll(() => world.stop());

afterEach(() => world.reset());

const apiVersionsSent = (path: string): string[] =>
  world.sim.requests
    .filter((r) => r.path.includes(path))
    .map((r) => /api-version=([^;,\s]+)/.exec(r.headers.accept ?? '')?.[1])
    .filter((v): v is string => v !== undefined);

describe.each(PAT_KINDS)('$label with a personal access token', (hostKind: HostKind) => {
  const collection = hostKind.path;

  test('verifying the PAT names its owner, with no expiry (Azure DevOps does not tell it)', async () => {
    const pat = world.pat();
    const outcome = await callWithoutLeaks(pat, () => world.provider(hostKind).verifyToken(tokenCredential(pat)));
    expect(outcome).toEqual({ ok: true, value: { login: USER, displayName: 'Jamal Hartnett' } });
    const request = world.sim.requests.find((r) => r.path.endsWith('/_apis/connectionData'));
    expect(request?.headers['x-tfs-fedauthredirect']).toBe('Suppress');
  });

  test('a branch is created from the exact source ref, as the user, in the api-version the server speaks', async () => {
    const pat = world.pat();
    const branch = uniqueBranch();
    const outcome = await callWithoutLeaks(pat, () =>
      world.provider(hostKind).createBranch(tokenCredential(pat), { repository: REPOSITORY, branchName: branch, fromRef: 'main' }),
    );
    expect(outcome).toEqual({
      ok: true,
      value: { commitId: MAIN_COMMIT, url: `${world.sim.collectionUrl(collection)}/Fabrikam/_git/web?version=GB${encodeURIComponent(branch)}` },
    });
    expect(world.sim.getBranch(REPOSITORY, branch, collection)).toEqual({ commitId: MAIN_COMMIT, createdBy: USER });
    expect(new Set(apiVersionsSent('/refs'))).toEqual(new Set([hostKind.refsApiVersion]));
  });

  test('a branch is deleted', async () => {
    const pat = world.pat();
    const provider = world.provider(hostKind);
    const branch = uniqueBranch();
    await provider.createBranch(tokenCredential(pat), { repository: REPOSITORY, branchName: branch, fromRef: 'develop' });
    const outcome = await callWithoutLeaks(pat, () => provider.deleteBranch(tokenCredential(pat), { repository: REPOSITORY, branchName: branch }));
    expect(outcome.ok).toBe(true);
    expect(world.sim.getBranch(REPOSITORY, branch, collection)).toBeUndefined();
  });

  test('a pull request is opened as the user and its web page returned', async () => {
    const pat = world.pat();
    const provider = world.provider(hostKind);
    const branch = uniqueBranch();
    await provider.createBranch(tokenCredential(pat), { repository: REPOSITORY, branchName: branch, fromRef: 'main' });
    const outcome = await callWithoutLeaks(pat, () =>
      provider.createPullRequest(tokenCredential(pat), {
        repository: REPOSITORY,
        sourceBranch: branch,
        targetBranch: 'develop',
        title: 'PROJ-1 Fix the thing',
        description: 'From Jira',
      }),
    );
    const created = world.sim.listPullRequests(REPOSITORY, collection).find((pr) => pr.sourceBranch === branch);
    expect(created).toMatchObject({ targetBranch: 'develop', title: 'PROJ-1 Fix the thing', description: 'From Jira', createdBy: USER, status: 'active' });
    expect(outcome).toEqual({
      ok: true,
      value: { id: String(created?.id), url: `${world.sim.collectionUrl(collection)}/Fabrikam/_git/web/pullrequest/${created?.id}` },
    });
  });

  test('an existing branch is a CONFLICT and stays as it was', async () => {
    const pat = world.pat();
    const outcome = await callWithoutLeaks(pat, () =>
      world.provider(hostKind).createBranch(tokenCredential(pat), { repository: REPOSITORY, branchName: 'develop', fromRef: 'main' }),
    );
    expect(failure(outcome)).toMatchObject({ code: 'CONFLICT', status: 409, hostReason: 'conflict' });
    expect(world.sim.getBranch(REPOSITORY, 'develop', collection)?.commitId).toBe(DEVELOP_COMMIT);
    expect(world.sim.requests.find((r) => r.method === 'POST')?.status).toBe(200);
  });

  test('an unknown repository or project is NOT_FOUND', async () => {
    const pat = world.pat();
    const provider = world.provider(hostKind);
    for (const repository of ['Fabrikam/nope', 'Nope/web']) {
      const outcome = await callWithoutLeaks(pat, () => provider.createBranch(tokenCredential(pat), { repository, branchName: uniqueBranch(), fromRef: 'main' }));
      expect(failure(outcome)).toMatchObject({ code: 'NOT_FOUND', status: 404, hostReason: 'not-found' });
    }
  });

  test('a source branch that only prefixes other branches is NOT_FOUND', async () => {
    const pat = world.pat();
    const outcome = await callWithoutLeaks(pat, () =>
      world.provider(hostKind).createBranch(tokenCredential(pat), { repository: REPOSITORY, branchName: uniqueBranch(), fromRef: 'mai' }),
    );
    expect(failure(outcome)).toMatchObject({ code: 'NOT_FOUND', hostReason: 'not-found' });
    expect(world.sim.requests.some((r) => r.method === 'POST')).toBe(false);
  });

  test.each([
    ['revoked', (token: string) => world.sim.revokeToken(token)],
    ['expired', (token: string) => world.sim.expireToken(token)],
  ])('a %s PAT is refused as unauthorized', async (_label, spoil) => {
    const pat = world.pat();
    spoil(pat);
    const outcome = await callWithoutLeaks(pat, () => world.provider(hostKind).verifyToken(tokenCredential(pat)));
    expect(failure(outcome)).toMatchObject({ code: 'SERVICE_CREDENTIAL_REJECTED', hostReason: 'unauthorized' });
    expect(world.sim.requests[0]?.status).toBe(401);
  });

  test('an unknown PAT is refused as unauthorized, for every action', async () => {
    const pat = 'x'.repeat(52);
    const provider = world.provider(hostKind);
    const calls: Array<() => Promise<unknown>> = [
      () => provider.verifyToken(tokenCredential(pat)),
      () => provider.createBranch(tokenCredential(pat), { repository: REPOSITORY, branchName: uniqueBranch(), fromRef: 'main' }),
      () => provider.deleteBranch(tokenCredential(pat), { repository: REPOSITORY, branchName: 'develop' }),
      () => provider.createPullRequest(tokenCredential(pat), { repository: REPOSITORY, sourceBranch: 'develop', targetBranch: 'main', title: 't' }),
    ];
    for (const call of calls) {
      expect(failure(await callWithoutLeaks(pat, call))).toMatchObject({ code: 'SERVICE_CREDENTIAL_REJECTED', status: 502, hostReason: 'unauthorized' });
    }
    expect(world.sim.getBranch(REPOSITORY, 'develop', collection)).toBeDefined();
  });

  test('a PAT with Code (Read) only verifies but cannot create a branch', async () => {
    const pat = world.pat({ scopes: ['vso.code'] });
    const provider = world.provider(hostKind);
    expect((await callWithoutLeaks(pat, () => provider.verifyToken(tokenCredential(pat)))).ok).toBe(true);
    const branch = uniqueBranch();
    const outcome = await callWithoutLeaks(pat, () => provider.createBranch(tokenCredential(pat), { repository: REPOSITORY, branchName: branch, fromRef: 'main' }));
    expect(failure(outcome)).toMatchObject({ code: 'SERVICE_CREDENTIAL_REJECTED', hostReason: 'unauthorized' });
    expect(world.sim.getBranch(REPOSITORY, branch, collection)).toBeUndefined();
  });
});

describe.each(PRE_PAT_KINDS)('$label (no personal access tokens)', (hostKind: HostKind) => {
  const collection = hostKind.path;

  test('the server refuses a PAT like IIS does, and the adapter says PATs are not supported', async () => {
    const pat = world.pat();
    const provider = world.provider(hostKind);
    const branch = uniqueBranch();
    const calls: Array<() => Promise<unknown>> = [
      () => provider.verifyToken(tokenCredential(pat)),
      () => provider.createBranch(tokenCredential(pat), { repository: REPOSITORY, branchName: branch, fromRef: 'main' }),
    ];
    for (const call of calls) {
      const error = failure(await callWithoutLeaks(pat, call));
      expect(error).toMatchObject({ code: 'PAT_NOT_SUPPORTED', status: 422, hostReason: 'not-supported' });
      expect(error.message).toContain(`TFS ${hostKind.tfsVersion} has no personal access tokens`);
    }
    expect(world.sim.requests.map((r) => r.status)).toEqual([401, 401]);
    expect(world.sim.requests[0]?.headers['x-tfs-fedauthredirect']).toBe('Suppress');
    expect(world.sim.getBranch(REPOSITORY, branch, collection)).toBeUndefined();
  });

  test('a Basic service account verifies, creates and deletes a branch and opens a pull request as itself', async () => {
    const provider = world.provider(hostKind);
    const account = world.serviceAccount();
    const branch = uniqueBranch();
    await expect(provider.verifyToken(account)).resolves.toEqual({ login: SERVICE_ACCOUNT, displayName: 'patgate service' });
    await expect(provider.createBranch(account, { repository: REPOSITORY, branchName: branch, fromRef: 'main' })).resolves.toMatchObject({ commitId: MAIN_COMMIT });
    expect(world.sim.getBranch(REPOSITORY, branch, collection)).toEqual({ commitId: MAIN_COMMIT, createdBy: SERVICE_ACCOUNT });
    const pr = await provider.createPullRequest(account, { repository: REPOSITORY, sourceBranch: branch, targetBranch: 'main', title: 'PROJ-2' });
    expect(world.sim.listPullRequests(REPOSITORY, collection).find((p) => String(p.id) === pr.id)?.createdBy).toBe(SERVICE_ACCOUNT);
    await provider.deleteBranch(account, { repository: REPOSITORY, branchName: branch });
    expect(world.sim.getBranch(REPOSITORY, branch, collection)).toBeUndefined();
    expect(new Set(apiVersionsSent('/refs'))).toEqual(new Set([hostKind.refsApiVersion]));
    // Pull requests were preview-only on these servers: the client asks for the preview.
    expect(apiVersionsSent('/pullRequests')).toEqual([`${hostKind.refsApiVersion}-preview.1`]);
  });

  test('a wrong service account password is SERVICE_CREDENTIAL_REJECTED, not PAT_NOT_SUPPORTED', async () => {
    const wrong: HostCredential = { kind: 'basic', username: SERVICE_ACCOUNT, password: new Secret('not-the-password') };
    const outcome = await callWithoutLeaks('not-the-password', () => world.provider(hostKind).verifyToken(wrong));
    expect(failure(outcome)).toMatchObject({ code: 'SERVICE_CREDENTIAL_REJECTED', hostReason: 'unauthorized' });
  });
});

describe('answers that need a closer look', () => {
  const services = kind('Azure DevOps Services');
  const collection = services.path;

  test('a ref update failing inside a 200 (CreateBranch permission denied) is refused, not reported as created', async () => {
    const reader = 'adele@fabrikam.com';
    const pat = world.sim.issueToken({ owner: reader });
    world.sim.denyCreateBranch({ repository: REPOSITORY, login: reader, collection });
    const branch = uniqueBranch();
    const outcome = await callWithoutLeaks(pat, () =>
      world.provider(services).createBranch(tokenCredential(pat), { repository: REPOSITORY, branchName: branch, fromRef: 'main' }),
    );
    expect(failure(outcome)).toMatchObject({ code: 'NOT_FOUND', hostReason: 'forbidden' });
    const post = world.sim.requests.find((r) => r.method === 'POST');
    expect(post?.status).toBe(200);
    expect(JSON.parse(post?.responseBody ?? '{}').value[0]).toMatchObject({ success: false, updateStatus: 'createBranchPermissionRequired' });
    expect(world.sim.getBranch(REPOSITORY, branch, collection)).toBeUndefined();
  });

  test('a 203 HTML sign-in page is an unauthorized answer, on any step', async () => {
    const pat = world.pat();
    const provider = world.provider(services);
    world.sim.injectFault(signInPageFault({ method: 'GET', pathIncludes: '/_apis/connectionData', times: 1 }));
    expect(failure(await callWithoutLeaks(pat, () => provider.verifyToken(tokenCredential(pat))))).toMatchObject({
      code: 'SERVICE_CREDENTIAL_REJECTED',
      hostReason: 'unauthorized',
    });
    world.sim.injectFault(signInPageFault({ method: 'GET', pathIncludes: '/refs', times: 1 }));
    const branch = uniqueBranch();
    const outcome = await callWithoutLeaks(pat, () => provider.createBranch(tokenCredential(pat), { repository: REPOSITORY, branchName: branch, fromRef: 'main' }));
    expect(failure(outcome)).toMatchObject({ code: 'SERVICE_CREDENTIAL_REJECTED', hostReason: 'unauthorized' });
    expect(world.sim.requests.filter((r) => r.status === 203)).toHaveLength(2);
  });

  test('an active pull request for the same branches is a CONFLICT (TF401179)', async () => {
    const pat = world.pat();
    const provider = world.provider(services);
    const branch = uniqueBranch();
    await provider.createBranch(tokenCredential(pat), { repository: REPOSITORY, branchName: branch, fromRef: 'main' });
    const input = { repository: REPOSITORY, sourceBranch: branch, targetBranch: 'main', title: 'PROJ-3' };
    await provider.createPullRequest(tokenCredential(pat), input);
    const outcome = await callWithoutLeaks(pat, () => provider.createPullRequest(tokenCredential(pat), input));
    expect(failure(outcome)).toMatchObject({ code: 'CONFLICT', status: 409, hostReason: 'conflict' });
    expect(world.sim.listPullRequests(REPOSITORY, collection).filter((pr) => pr.sourceBranch === branch)).toHaveLength(1);
  });

  test('a pull request from a missing branch is NOT_FOUND (TF401398, a 400 on the wire)', async () => {
    const pat = world.pat();
    const before = world.sim.listPullRequests(REPOSITORY, collection).length;
    const outcome = await callWithoutLeaks(pat, () =>
      world.provider(services).createPullRequest(tokenCredential(pat), { repository: REPOSITORY, sourceBranch: 'no-such-branch', targetBranch: 'main', title: 't' }),
    );
    expect(failure(outcome)).toMatchObject({ code: 'NOT_FOUND', hostReason: 'not-found' });
    expect(world.sim.requests.find((r) => r.method === 'POST')?.status).toBe(400);
    expect(world.sim.listPullRequests(REPOSITORY, collection)).toHaveLength(before);
  });

  test('deleting a branch that does not exist is NOT_FOUND and sends no update', async () => {
    const pat = world.pat();
    const outcome = await callWithoutLeaks(pat, () => world.provider(services).deleteBranch(tokenCredential(pat), { repository: REPOSITORY, branchName: 'gone' }));
    expect(failure(outcome)).toMatchObject({ code: 'NOT_FOUND', hostReason: 'not-found' });
    expect(world.sim.requests.some((r) => r.method === 'POST')).toBe(false);
  });

  test('projects and branches with spaces and slashes are encoded in the web links', async () => {
    world.sim.seedRepository({ collection, project: 'Fabrikam Fiber', name: 'Web App', branches: { main: MAIN_COMMIT } });
    const pat = world.pat();
    const provider = world.provider(services);
    const branch = await provider.createBranch(tokenCredential(pat), { repository: 'Fabrikam Fiber/Web App', branchName: 'users/jamal/fix#1', fromRef: 'main' });
    expect(branch.url).toBe(`${world.sim.collectionUrl(collection)}/Fabrikam%20Fiber/_git/Web%20App?version=GBusers%2Fjamal%2Ffix%231`);
    expect(world.sim.getBranch('Fabrikam Fiber/Web App', 'users/jamal/fix#1', collection)?.createdBy).toBe(USER);
  });
});

describe('input the adapter refuses before calling the host', () => {
  const services = kind('Azure DevOps Services');

  test('a repository not named project/repository is VALIDATION_FAILED', async () => {
    const pat = world.pat();
    await expect(world.provider(services).createBranch(tokenCredential(pat), { repository: 'web', branchName: 'x', fromRef: 'main' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(world.sim.requests).toHaveLength(0);
  });

  test('an AWS key pair is not an Azure DevOps credential', async () => {
    const keys: HostCredential = { kind: 'aws-keys', accessKeyId: 'AKIAEXAMPLE', secretAccessKey: new Secret('s3cr3t-key-value') };
    const outcome = await callWithoutLeaks('s3cr3t-key-value', () => world.provider(services).verifyToken(keys));
    expect(failure(outcome)).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(world.sim.requests).toHaveLength(0);
  });
});

describe('the new-token page', () => {
  test.each([
    ['azure-devops', 'https://dev.azure.com/fabrikam', 'https://dev.azure.com/fabrikam/_usersSettings/tokens'],
    ['vsts', 'https://fabrikam.visualstudio.com/', 'https://fabrikam.visualstudio.com/_usersSettings/tokens'],
    ['tfs', 'https://tfs.fabrikam.com/tfs/DefaultCollection', 'https://tfs.fabrikam.com/tfs/DefaultCollection/_details/security/tokens'],
  ] as const)('%s: %s → %s', (provider, url, expected) => {
    expect(createAzureDevOpsProvider({ provider, apiUrl: url, webUrl: url, tfsVersion: provider === 'tfs' ? '2019' : undefined }).newTokenUrl()).toBe(expected);
  });
});
