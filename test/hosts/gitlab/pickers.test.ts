import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { Secret } from '../../../lambdas/domain/secret';
import { createGitLabProvider } from '../../../lambdas/hosts/gitlab/adapter';
import { LOCAL_HOSTS_ALLOWED } from '../../../lambdas/hosts/outbound-connections';
import { GitLabSimulator } from '../../../simulators/gitlab/simulator';
import { branchListSchema, grapeErrorSchema, messageErrorSchema, oauthErrorSchema, OFFSET_PAGINATION_HEADERS, projectListSchema } from './gitlab-rest-schemas';
import { MAIN_SHA, PROJECT_PATH, seedScenario, type GitLabScenario } from './gitlab-scenario';

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const problemsOf = (schema: object, body: unknown): unknown[] => {
  const validate = ajv.compile(schema);
  return validate(body) ? [] : (validate.errors ?? []);
};

// The simulator listens on loopback: allowed only by the local-mode connection policy.
// Listings page through hundreds of branches in one call: a budget a loaded machine cannot exceed, only a hang.
const LISTING_BUDGET = { connectTimeoutMs: 5_000, requestTimeoutMs: 60_000, connections: LOCAL_HOSTS_ALLOWED };
const token = (value: string) => ({ kind: 'token', token: new Secret(value) }) as const;

describe('GitLab pickers: simulator list routes and the adapter', () => {
  const sim = new GitLabSimulator();
  let world: GitLabScenario;
  const api = async (path: string, value?: string) => {
    const response = await fetch(`${sim.url}/api/v4${path}`, { headers: value ? { 'PRIVATE-TOKEN': value } : {} });
    return { status: response.status, headers: response.headers, body: (await response.json()) as unknown };
  };

  beforeAll(() => sim.start());
  afterAll(() => sim.stop());
  beforeEach(() => {
    sim.reset();
    sim.clearFaults();
    world = seedScenario(sim);
    sim.seedProject({ path: 'acme/other', members: { alice: 'maintainer' } });
    sim.seedProject({ path: 'elsewhere/public-thing', visibility: 'public' });
    sim.clearRequests();
  });

  it('answers GET /projects and /repository/branches with the documented shapes and offset headers', async () => {
    const projects = await api('/projects?membership=true&simple=true&per_page=1', world.alice);
    expect(projects.status).toBe(200);
    expect(problemsOf(projectListSchema, projects.body)).toEqual([]);
    for (const header of OFFSET_PAGINATION_HEADERS) expect(projects.headers.has(header)).toBe(true);
    expect({ page: projects.headers.get('x-page'), next: projects.headers.get('x-next-page'), prev: projects.headers.get('x-prev-page'), total: projects.headers.get('x-total') })
      .toEqual({ page: '1', next: '2', prev: '', total: '2' });
    const last = await api('/projects?membership=true&per_page=1&page=2', world.alice);
    expect({ next: last.headers.get('x-next-page'), prev: last.headers.get('x-prev-page') }).toEqual({ next: '', prev: '1' });

    const branches = await api(`/projects/${encodeURIComponent(PROJECT_PATH)}/repository/branches?search=REL`, world.alice);
    expect(branches.status).toBe(200);
    expect(problemsOf(branchListSchema, branches.body)).toEqual([]);
    expect((branches.body as { name: string }[]).map((b) => b.name)).toEqual(['release/1.0']);
    const all = (await api(`/projects/${world.project.id}/repository/branches`, world.alice)).body as { name: string; default: boolean }[];
    expect(all.map((b) => [b.name, b.default])).toEqual([['main', true], ['release/1.0', false]]);
  });

  it('refuses as GitLab does: no or bad token, scope, invisible project, bad paging', async () => {
    const cases: [string, string | undefined, number, object][] = [
      ['/projects?membership=true', undefined, 401, messageErrorSchema],
      ['/projects?membership=true', world.aliceExpired, 401, oauthErrorSchema],
      ['/projects?membership=true', world.aliceWriteRepository, 403, oauthErrorSchema],
      [`/projects/${encodeURIComponent(PROJECT_PATH)}/repository/branches`, world.bob, 404, messageErrorSchema],
      ['/projects?membership=true&page=abc', world.alice, 400, grapeErrorSchema],
    ];
    for (const [path, value, status, schema] of cases) {
      const answer = await api(path, value);
      expect(`${path} ${answer.status}`).toBe(`${path} ${status}`);
      expect(problemsOf(schema, answer.body)).toEqual([]);
    }
    // Membership, not visibility: a public project the user is not a member of is not listed.
    const mine = (await api('/projects?membership=true', world.alice)).body as { path_with_namespace: string }[];
    expect(mine.map((p) => p.path_with_namespace).sort()).toEqual(['acme/other', PROJECT_PATH]);
  });

  it('listRepositories: membership projects, server-side search from three characters, paged by x-next-page', async () => {
    for (let i = 0; i < 120; i += 1) sim.seedProject({ path: `bulk/p${String(i).padStart(3, '0')}`, members: { alice: 'developer' } });
    sim.clearRequests();
    const gitlab = createGitLabProvider({ provider: 'gitlab', apiUrl: sim.url, webUrl: sim.url }, LISTING_BUDGET);
    const capped = await gitlab.listRepositories(token(world.alice), { limit: 50 });
    expect(capped).toMatchObject({ truncated: true });
    expect(capped.items).toHaveLength(50);
    expect(capped.items[0]).toEqual({ id: 'bulk/p119', name: 'bulk/p119', defaultBranch: 'main', url: `${sim.url}/bulk/p119` });
    expect(sim.requests.map((r) => r.query)).toEqual(['membership=true&simple=true&per_page=100&page=1&pagination=offset']);

    sim.clearRequests();
    const searched = await gitlab.listRepositories(token(world.alice), { query: 'WIDG', limit: 50 });
    expect(searched).toEqual({ truncated: false, items: [{ id: PROJECT_PATH, name: PROJECT_PATH, defaultBranch: 'main', url: `${sim.url}/${PROJECT_PATH}` }] });
    expect(sim.requests.map((r) => r.query)).toEqual(['membership=true&simple=true&search=WIDG&search_namespaces=true&per_page=100&page=1&pagination=offset']);

    // Two characters: GitLab would not search on them; every page is read and filtered here.
    sim.clearRequests();
    const short = await gitlab.listRepositories(token(world.alice), { query: 'OT', limit: 50 });
    expect(short).toEqual({ truncated: false, items: [{ id: 'acme/other', name: 'acme/other', defaultBranch: 'main', url: `${sim.url}/acme/other` }] });
    expect(sim.requests.map((r) => new URLSearchParams(r.query).get('page'))).toEqual(['1', '2']);
    expect(sim.requests.every((r) => !new URLSearchParams(r.query).has('search'))).toBe(true);
  });

  it('listBranches: default branch first, search passed on, pages followed', async () => {
    const branches = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`a-${String(i).padStart(3, '0')}`, MAIN_SHA]));
    sim.seedProject({ path: 'acme/many', defaultBranch: 'zz', branches: { zz: MAIN_SHA, ...branches }, members: { alice: 'developer' } });
    sim.clearRequests();
    const gitlab = createGitLabProvider({ provider: 'gitlab-self-managed', apiUrl: sim.url, webUrl: sim.url }, LISTING_BUDGET);
    const listing = await gitlab.listBranches(token(world.alice), { repository: 'acme/many', query: '4', limit: 50 });
    expect(listing.truncated).toBe(false);
    expect(listing.items.map((b) => b.name)).toEqual(Array.from({ length: 150 }, (_, i) => `a-${String(i).padStart(3, '0')}`).filter((n) => n.includes('4')));
    const first = await gitlab.listBranches(token(world.alice), { repository: 'acme/many', limit: 50 });
    expect(first.items[0]).toEqual({ name: 'zz', isDefault: true });
    expect(first).toMatchObject({ truncated: true });
    expect(first.items).toHaveLength(50);
    // The server filters (one page of matches); without a query, page 2 is not needed for 50.
    expect(sim.requests.map((r) => `${r.path}?${r.query}`)).toEqual([
      '/api/v4/projects/acme%2Fmany?',
      '/api/v4/projects/acme%2Fmany/repository/branches?search=4&per_page=100&page=1',
      '/api/v4/projects/acme%2Fmany?',
      '/api/v4/projects/acme%2Fmany/repository/branches?per_page=100&page=1',
    ]);
    sim.clearRequests();
    const late = await gitlab.listBranches(token(world.alice), { repository: 'acme/many', query: 'A-14', limit: 50 });
    expect(late.items.map((b) => b.name)).toEqual(Array.from({ length: 10 }, (_, i) => `a-14${i}`));
    sim.clearRequests();
    const wide = await gitlab.listBranches(token(world.alice), { repository: 'acme/many', limit: 140 });
    expect({ count: wide.items.length, truncated: wide.truncated, last: wide.items.at(-1)?.name }).toEqual({ count: 140, truncated: true, last: 'a-138' });
    expect(sim.requests.map((r) => new URLSearchParams(r.query).get('page'))).toEqual([null, '1', '2']);
  });

  it('maps failures as the GitProvider contract says', async () => {
    const gitlab = createGitLabProvider({ provider: 'gitlab', apiUrl: sim.url, webUrl: sim.url }, LISTING_BUDGET);
    await expect(gitlab.listRepositories(token(world.aliceRevoked), { limit: 50 })).rejects.toMatchObject({ code: 'SERVICE_CREDENTIAL_REJECTED', hostReason: 'unauthorized' });
    await expect(gitlab.listBranches(token(world.bob), { repository: PROJECT_PATH, limit: 50 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    sim.injectFault({ pathIncludes: '/repository/branches', status: 200, body: { not: 'a list' } });
    await expect(gitlab.listBranches(token(world.alice), { repository: PROJECT_PATH, limit: 50 })).rejects.toMatchObject({ code: 'HOST_UNAVAILABLE' });
    sim.clearFaults();
    sim.injectFault({ pathIncludes: '/projects', status: 429, headers: { 'retry-after': '12' }, body: 'Retry later' });
    await expect(gitlab.listRepositories(token(world.alice), { limit: 50 })).rejects.toMatchObject({ code: 'HOST_RATE_LIMITED', retryAfterSeconds: 12 });
  });
});
