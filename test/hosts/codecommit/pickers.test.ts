import * as sdk from '@aws-sdk/client-codecommit';
import { CodeCommitClient, InvalidContinuationTokenException, InvalidSortByException, ListBranchesCommand, ListRepositoriesCommand, RepositoryDoesNotExistException } from '@aws-sdk/client-codecommit';
import type { CodeCommitSimulator } from '../../../simulators/codecommit/simulator';
import { MAX_LIST_PAGES } from '../../../lambdas/hosts/listing';
import { MAIN_COMMIT, REGION, REPOSITORY, seedWorld, startSimulator, type CodeCommitWorld } from './codecommit-world';

/**
 * ListRepositories / ListBranches: the contract is the Smithy model compiled into the SDK. The SDK
 * drops members its model lacks without a word, so every raw JSON the simulator sends (and every
 * request the adapter sends) is also checked member by member against the model's schema tuples
 * (`[kind, namespace, name, traits, memberNames, memberSchemas]`, exported as `…$`).
 */
type SchemaTuple = readonly [number, string, string, number, readonly string[], readonly unknown[], number?];
const model = sdk as unknown as Record<string, SchemaTuple>;
const membersOf = (shape: string): readonly string[] => {
  const tuple = model[`${shape}$`];
  if (!tuple) throw new Error(`the SDK exports no ${shape}$`);
  return tuple[4];
};

const unknownMembers = (value: unknown, allowed: readonly string[]): string[] =>
  typeof value === 'object' && value !== null ? Object.keys(value).filter((key) => !allowed.includes(key)) : ['(not an object)'];

let simulator: CodeCommitSimulator;
let world: CodeCommitWorld;

beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(() => simulator.stop());
beforeEach(() => {
  world = seedWorld(simulator);
  simulator.listPageSize = 100;
  simulator.clearRequests();
});

const modelProblems = (): string[] =>
  simulator.requests.flatMap((request) => {
    const operation = request.headers['x-amz-target']?.replace('CodeCommit_20150413.', '');
    if (operation !== 'ListRepositories' && operation !== 'ListBranches') return [];
    const input = JSON.parse(request.body) as unknown;
    const output = JSON.parse(request.responseBody) as Record<string, unknown>;
    if (request.status !== 200) return [];
    const nested = operation === 'ListRepositories' ? ((output.repositories as unknown[]) ?? []).flatMap((pair) => unknownMembers(pair, membersOf('RepositoryNameIdPair'))) : [];
    return [
      ...unknownMembers(input, membersOf(`${operation}Input`)).map((m) => `${operation} input ${m}`),
      ...unknownMembers(output, membersOf(`${operation}Output`)).map((m) => `${operation} output ${m}`),
      ...nested.map((m) => `${operation} RepositoryNameIdPair ${m}`),
    ];
  });

describe('CodeCommit pickers', () => {
  it('ListRepositories and ListBranches answer in the model shapes, paged by nextToken', async () => {
    for (const name of ['zeta', 'alpha', 'Mid']) simulator.createRepository({ name, branches: { main: MAIN_COMMIT } });
    simulator.listPageSize = 2;
    const client = new CodeCommitClient({ region: REGION, endpoint: simulator.url, credentials: world.aliceKey, maxAttempts: 1 });
    const names: string[] = [];
    for await (const page of sdk.paginateListRepositories({ client }, { sortBy: 'repositoryName', order: 'ascending' })) {
      names.push(...(page.repositories ?? []).map((r) => r.repositoryName ?? ''));
      expect(page.repositories?.every((r) => typeof r.repositoryId === 'string')).toBe(true);
    }
    expect(names).toEqual(['Mid', 'alpha', 'payments', 'zeta']);
    const descending = await client.send(new ListRepositoriesCommand({ order: 'descending' }));
    expect(descending.repositories?.map((r) => r.repositoryName)).toEqual(['zeta', 'payments']);
    const branches: string[] = [];
    for await (const page of sdk.paginateListBranches({ client }, { repositoryName: REPOSITORY })) branches.push(...(page.branches ?? []));
    expect(branches).toEqual(['develop', 'main']);
    expect(modelProblems()).toEqual([]);

    await expect(client.send(new ListRepositoriesCommand({ sortBy: 'size' as never }))).rejects.toBeInstanceOf(InvalidSortByException);
    await expect(client.send(new ListBranchesCommand({ repositoryName: REPOSITORY, nextToken: 'bogus' }))).rejects.toBeInstanceOf(InvalidContinuationTokenException);
    await expect(client.send(new ListBranchesCommand({ repositoryName: 'ledger' }))).rejects.toBeInstanceOf(RepositoryDoesNotExistException);
  });

  it('the model check is not blind: a member the model lacks is reported', () => {
    expect(unknownMembers({ branches: [], nextToken: 'x', total: 3 }, membersOf('ListBranchesOutput'))).toEqual(['total']);
  });

  it('the adapter lists repositories (no default branch in the listing) and branches (default first, from GetRepository)', async () => {
    simulator.createRepository({ name: 'ledger', defaultBranch: 'trunk', branches: { trunk: MAIN_COMMIT, a: MAIN_COMMIT, 'z-trunk-old': MAIN_COMMIT } });
    const provider = world.provider();
    expect(await provider.listRepositories(world.alice, { limit: 50 })).toEqual({
      truncated: false,
      items: ['ledger', 'payments'].map((name) => ({ id: name, name, url: `https://${REGION}.console.aws.amazon.com/codesuite/codecommit/repositories/${name}` })),
    });
    expect(await provider.listBranches(world.alice, { repository: 'ledger', query: 'TRUNK', limit: 50 })).toEqual({
      truncated: false,
      items: [{ name: 'trunk', isDefault: true }, { name: 'z-trunk-old', isDefault: false }],
    });
    expect(simulator.requests.map((r) => r.headers['x-amz-target']?.replace('CodeCommit_20150413.', ''))).toEqual(['ListRepositories', 'GetRepository', 'ListBranches']);
    expect(modelProblems()).toEqual([]);
  });

  it(`reads at most ${MAX_LIST_PAGES} pages for a query that matches little, and says so`, async () => {
    for (let i = 0; i < 60; i += 1) simulator.createRepository({ name: `repo-${String(i).padStart(2, '0')}`, branches: { main: MAIN_COMMIT } });
    simulator.createRepository({ name: 'zz-last', branches: { main: MAIN_COMMIT } });
    simulator.listPageSize = 5;
    simulator.clearRequests();
    const listing = await world.provider().listRepositories(world.alice, { query: 'ZZ-', limit: 50 });
    // 62 repositories, 5 a page: `zz-last` sorts last, on page 13; the walk stops after 10.
    expect(listing).toEqual({ items: [], truncated: true });
    expect(simulator.requests).toHaveLength(MAX_LIST_PAGES);
  });

  it('maps refusals as the GitProvider contract says', async () => {
    const provider = world.provider();
    await expect(provider.listBranches(world.alice, { repository: 'ledger', limit: 50 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    simulator.setAccess('alice', REPOSITORY, false);
    await expect(provider.listBranches(world.alice, { repository: REPOSITORY, limit: 50 })).rejects.toMatchObject({ code: 'NOT_FOUND', hostReason: 'forbidden' });
    simulator.deactivateAccessKey(world.aliceKey.accessKeyId);
    await expect(provider.listRepositories(world.alice, { limit: 50 })).rejects.toMatchObject({ code: 'SERVICE_CREDENTIAL_REJECTED', hostReason: 'unauthorized' });
  });
});
