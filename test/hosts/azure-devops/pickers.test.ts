import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { AzureDevOpsWorld, kind, MAIN_COMMIT, REPOSITORY, tokenCredential, type HostKind } from './azure-devops-world';

/**
 * The pickers' two reads on Azure DevOps / VSTS / TFS against Microsoft's published specs (Swagger 2.0
 * in shared/specs): every query parameter the adapter sends must be one the collection's version
 * declares for the route, and every answer's `value` must match the declared array schema.
 */
const SPECS = ['../../../../shared/specs/azure-devops', '../../../../../shared/specs/azure-devops'].map((p) => path.resolve(__dirname, p)).find((p) => existsSync(p)) ?? '';

interface Operation {
  parameters?: Array<{ in?: string; name?: string }>;
  responses: Record<string, { schema?: unknown }>;
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
  definitions: Record<string, unknown>;
}

const SUBJECTS = [
  { label: 'Azure DevOps Services', folder: '7.1', file: 'git.json', paged: true },
  { label: 'Azure DevOps Server 2019', folder: 'azure-devops-server-5.0', file: 'git-onprem.json', paged: true },
  { label: 'TFS 2018', folder: 'tfs-4.1', file: 'git-onprem.json', paged: false },
];

const BRANCHES = 250;
const branchName = (i: number): string => `work/b${String(i).padStart(3, '0')}`;
const commit = (i: number): string => (i + 1).toString(16).padStart(40, 'c');

let world: AzureDevOpsWorld;

beforeAll(async () => {
  world = await AzureDevOpsWorld.start();
  for (const subject of SUBJECTS) {
    const hostKind = kind(subject.label);
    world.sim.seedRepository({ collection: hostKind.path, project: 'Fabrikam', name: 'big', defaultBranch: 'zz-trunk',
      branches: Object.fromEntries([['zz-trunk', MAIN_COMMIT], ...Array.from({ length: BRANCHES }, (_, i) => [branchName(i), commit(i)])]) });
    world.sim.seedRepository({ collection: hostKind.path, project: 'Tailspin', name: 'api', branches: { main: MAIN_COMMIT } });
  }
});
afterAll(() => world.stop());

const load = (folder: string, file: string): Spec => JSON.parse(readFileSync(path.join(SPECS, folder, file), 'utf8').replace(/^\uFEFF/, '')) as Spec;

describe.each(SUBJECTS)('$label pickers against $folder/$file', ({ label, folder, file, paged }) => {
  const spec = load(folder, file);
  const hostKind: HostKind = kind(label);
  const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  for (const format of ['int16', 'int32', 'int64', 'double', 'float', 'byte', 'T']) if (!ajv.formats[format]) ajv.addFormat(format, true);
  ajv.addSchema({ $id: 'spec', definitions: spec.definitions });
  const compile = (schema: unknown) => ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/definitions/', '"spec#/definitions/')) as object);
  const operationFor = (suffix: string): Operation => {
    const entry = Object.entries(spec.paths).find(([template]) => template.endsWith(suffix));
    if (!entry?.[1].get) throw new Error(`no GET …${suffix} in ${folder}`);
    return entry[1].get;
  };
  const routes = [
    { pattern: /\/_apis\/git\/repositories$/, operation: operationFor('/_apis/git/repositories') },
    { pattern: /\/_apis\/git\/repositories\/[^/]+$/, operation: operationFor('/_apis/git/repositories/{repositoryId}') },
    { pattern: /\/_apis\/git\/repositories\/[^/]+\/refs$/, operation: operationFor('/_apis/git/repositories/{repositoryId}/refs') },
  ];

  const checkExchanges = (): string[] => {
    const problems: string[] = [];
    for (const request of world.sim.requests) {
      const route = routes.find((r) => r.pattern.test(request.path));
      if (!route || request.method !== 'GET') continue;
      const declared = new Set((route.operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name));
      for (const name of new URLSearchParams(request.query).keys()) {
        if (name !== 'api-version' && !declared.has(name)) problems.push(`${request.path}: query parameter ${name} is not in ${folder}`);
      }
      if (request.status !== 200) continue;
      const schema = route.operation.responses['200']?.schema as { type?: string } | undefined;
      const validate = compile(schema);
      const answer = JSON.parse(request.responseBody) as { value?: unknown[] };
      if (!validate(schema?.type === 'array' ? answer.value : answer)) problems.push(`${request.path}: ${JSON.stringify(validate.errors)}`);
    }
    return problems;
  };

  beforeEach(() => world.reset());

  it('lists the collection\'s repositories with their default branch, filtered here', async () => {
    const provider = world.provider(hostKind);
    const listing = await provider.listRepositories(tokenCredential(world.pat()), { limit: 50 });
    expect(listing.truncated).toBe(false);
    expect(listing.items.map((r) => [r.id, r.defaultBranch])).toEqual([['Fabrikam/web', 'main'], ['Fabrikam/big', 'zz-trunk'], ['Tailspin/api', 'main']]);
    expect(listing.items[0]?.url).toBe(`${world.sim.collectionUrl(hostKind.path)}/Fabrikam/_git/web`);
    expect((await provider.listRepositories(tokenCredential(world.pat()), { query: 'TAIL', limit: 50 })).items.map((r) => r.id)).toEqual(['Tailspin/api']);
    expect(checkExchanges()).toEqual([]);
  });

  it(paged ? 'pages branches with $top and x-ms-continuationtoken, narrowed by filterContains' : 'reads every branch at once (no paging before REST 5.0)', async () => {
    const provider = world.provider(hostKind);
    const credential = tokenCredential(world.pat());
    const capped = await provider.listBranches(credential, { repository: 'Fabrikam/big', limit: 50 });
    expect(capped.truncated).toBe(true);
    expect(capped.items[0]).toEqual({ name: 'zz-trunk', isDefault: true });
    expect(capped.items.slice(1).map((b) => b.name)).toEqual(Array.from({ length: 49 }, (_, i) => branchName(i)));

    const late = await provider.listBranches(credential, { repository: 'Fabrikam/big', query: 'B24', limit: 50 });
    expect(late).toEqual({ truncated: false, items: Array.from({ length: 10 }, (_, i) => ({ name: branchName(240 + i), isDefault: false })) });

    world.sim.clearRequests();
    const all = await provider.listBranches(credential, { repository: 'Fabrikam/big', limit: 300 });
    expect(all.items).toHaveLength(BRANCHES + 1);
    const refsQueries = world.sim.requests.filter((r) => r.path.endsWith('/refs')).map((r) => new URLSearchParams(r.query));
    if (paged) {
      expect(refsQueries.map((q) => [q.get('$top'), q.has('continuationToken')])).toEqual([['100', false], ['100', true], ['100', true]]);
    } else {
      expect(refsQueries.map((q) => [q.get('filter'), q.get('$top')])).toEqual([['heads/', null]]);
    }
    expect(checkExchanges()).toEqual([]);
  });

  it('maps a missing project or repository to NOT_FOUND and a bad PAT to SERVICE_CREDENTIAL_REJECTED', async () => {
    const provider = world.provider(hostKind);
    const credential = tokenCredential(world.pat());
    await expect(provider.listBranches(credential, { repository: 'Nowhere/web', limit: 50 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(provider.listBranches(credential, { repository: 'Fabrikam/nope', limit: 50 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(provider.listBranches(credential, { repository: 'no-slash', limit: 50 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(provider.listRepositories(tokenCredential('x'.repeat(52)), { limit: 50 })).rejects.toMatchObject({ code: 'SERVICE_CREDENTIAL_REJECTED', hostReason: 'unauthorized' });
    // A PAT without Code (Read) gets the service's 401, as for the actions.
    const profileOnly = tokenCredential(world.pat({ scopes: ['vso.profile'] }));
    await expect(provider.listBranches(profileOnly, { repository: REPOSITORY, limit: 50 })).rejects.toMatchObject({ code: 'SERVICE_CREDENTIAL_REJECTED', hostReason: 'unauthorized' });
    // Code (Read) is enough for the pickers.
    const readOnly = tokenCredential(world.pat({ scopes: ['vso.code'] }));
    expect((await provider.listBranches(readOnly, { repository: REPOSITORY, limit: 50 })).items[0]).toEqual({ name: 'main', isDefault: true });
  });
});

describe('the simulator\'s refs paging (REST 5.0+)', () => {
  it('refuses a malformed continuation token or $top like the service, and serves every ref exactly once', async () => {
    const hostKind = kind('Azure DevOps Services');
    const base = `${world.sim.collectionUrl(hostKind.path)}/Fabrikam/_apis/git/repositories/big/refs`;
    const headers = { authorization: `Basic ${Buffer.from(`:${world.pat()}`).toString('base64')}` };
    expect((await fetch(`${base}?api-version=7.1&filter=heads/&continuationToken=%%%`, { headers })).status).toBe(400);
    expect((await fetch(`${base}?api-version=7.1&filter=heads/&$top=0`, { headers })).status).toBe(400);
    const seen: string[] = [];
    let token: string | null = null;
    do {
      const response: Response = await fetch(`${base}?api-version=7.1&filter=heads/&$top=64${token ? `&continuationToken=${encodeURIComponent(token)}` : ''}`, { headers });
      const body = (await response.json()) as { value: { name: string }[] };
      seen.push(...body.value.map((ref) => ref.name));
      token = response.headers.get('x-ms-continuationtoken');
    } while (token);
    expect(seen).toHaveLength(BRANCHES + 1);
    expect(new Set(seen).size).toBe(BRANCHES + 1);
  });
});
