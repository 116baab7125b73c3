import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AzureDevOpsWorld, kind, REPOSITORY, tokenCredential } from './azure-devops-world';

/**
 * Microsoft's recorded request/response examples (`httpExamples`), replayed against the adapter: the
 * simulator serves the example's body in place of its own, and the adapter must read it right.
 */
const SPECS = path.resolve(__dirname, '../../../../shared/specs/azure-devops');
const ZERO = '0000000000000000000000000000000000000000';

interface RefUpdate {
  name: string;
  oldObjectId: string;
  newObjectId: string;
}

interface Example {
  parameters: { body?: unknown };
  responses: Record<string, { body: { value?: Array<Record<string, unknown>>; pullRequestId?: number } }>;
}

const FOLDERS = [
  { folder: '7.1', suffix: '', hostKind: kind('Azure DevOps Services') },
  { folder: 'azure-devops-server-5.0', suffix: '-onprem', hostKind: kind('Azure DevOps Server 2019') },
  { folder: 'tfs-4.1', suffix: '-onprem', hostKind: kind('TFS 2018') },
];

const example = (folder: string, area: string, name: string): Example =>
  JSON.parse(readFileSync(path.join(SPECS, folder, 'httpExamples', area, name), 'utf8').replace(/^\uFEFF/, '')) as Example;

const onlyResponse = (recorded: Example) => {
  const [status, response] = Object.entries(recorded.responses)[0] ?? [];
  if (!status || !response) throw new Error('example without a response');
  return { status: Number(status), body: structuredClone(response.body) };
};

let world: AzureDevOpsWorld;

beforeAll(async () => {
  world = await AzureDevOpsWorld.start();
});

afterAll(() => world.stop());

afterEach(() => world.reset());

describe.each(FOLDERS)('$folder examples', ({ folder, suffix, hostKind }) => {
  const getHeads = example(folder, 'refs', `GET__git_repositories__repositoryId__refs_heads${suffix}.json`);
  const postRefs = example(folder, 'refs', `POST__git_repositories__repositoryId__refs${suffix}.json`);
  const postPullRequest = example(folder, 'pullRequests', `POST__git_repositories__repositoryId__pullRequests${suffix}.json`);
  const requestedUpdates = postRefs.parameters.body as RefUpdate[];
  const created = requestedUpdates.find((update) => update.oldObjectId === ZERO);
  const master = onlyResponse(getHeads).body.value?.find((ref) => ref.name === 'refs/heads/master');

  const serveRefs = (refUpdateBody: unknown): void => {
    world.sim.injectFault({ method: 'GET', pathIncludes: '/refs', ...onlyResponse(getHeads) });
    world.sim.injectFault({ method: 'POST', pathIncludes: '/refs', status: 200, body: refUpdateBody });
  };

  const createFromMaster = () =>
    world.provider(hostKind).createBranch(tokenCredential(world.pat()), {
      repository: REPOSITORY,
      branchName: (created?.name ?? '').replace('refs/heads/', ''),
      fromRef: 'master',
    });

  test('GET refs and POST refs: the branch is made from the exact ref, every per-item result is read', async () => {
    serveRefs(onlyResponse(postRefs).body);
    const result = await createFromMaster();
    expect(result.commitId).toBe(master?.objectId);
    const sent = JSON.parse(world.sim.requests.find((r) => r.method === 'POST')?.body ?? '[]') as RefUpdate[];
    expect(sent).toEqual([{ name: created?.name, oldObjectId: ZERO, newObjectId: master?.objectId }]);
    // Where the example made the same update, the adapter sent exactly the example's request.
    if (requestedUpdates.length === 1 && created?.newObjectId === master?.objectId) expect(sent).toEqual(requestedUpdates);
  });

  test.each([
    ['staleOldObjectId', 'CONFLICT', 'conflict'],
    ['rejectedByPolicy', 'NOT_FOUND', 'forbidden'],
    ['unprocessed', 'HOST_UNAVAILABLE', 'unavailable'],
  ])('the POST refs example with its last item failed (%s) is refused as %s', async (updateStatus, code, hostReason) => {
    const body = onlyResponse(postRefs).body;
    const last = body.value?.at(-1);
    if (last) Object.assign(last, { success: false, updateStatus });
    serveRefs(body);
    await expect(createFromMaster()).rejects.toMatchObject({ code, hostReason });
  });

  test('the refs filter is a prefix: a name the example only prefixes is not a branch', async () => {
    world.sim.injectFault({ method: 'GET', pathIncludes: '/refs', ...onlyResponse(getHeads) });
    await expect(
      world.provider(hostKind).createBranch(tokenCredential(world.pat()), { repository: REPOSITORY, branchName: 'x', fromRef: 'mast' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(world.sim.requests.some((r) => r.method === 'POST')).toBe(false);
  });

  test('POST pullRequests: the 201 example gives the id and the web page', async () => {
    const response = onlyResponse(postPullRequest);
    expect(response.status).toBe(201);
    world.sim.injectFault({ method: 'POST', pathIncludes: '/pullRequests', ...response });
    const input = postPullRequest.parameters.body as { sourceRefName: string; targetRefName: string; title: string; description: string };
    const result = await world.provider(hostKind).createPullRequest(tokenCredential(world.pat()), {
      repository: REPOSITORY,
      sourceBranch: input.sourceRefName.replace('refs/heads/', ''),
      targetBranch: input.targetRefName.replace('refs/heads/', ''),
      title: input.title,
      description: input.description,
    });
    expect(result).toEqual({ id: String(response.body.pullRequestId), url: `${world.sim.collectionUrl(hostKind.path)}/Fabrikam/_git/web/pullrequest/22` });
    const sent = JSON.parse(world.sim.requests.find((r) => r.method === 'POST')?.body ?? '{}') as Record<string, unknown>;
    expect(sent).toEqual({ sourceRefName: input.sourceRefName, targetRefName: input.targetRefName, title: input.title, description: input.description });
  });
});
