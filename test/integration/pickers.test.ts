import type { SiteInfo } from '../../simulators/jira/jira-simulator';
import { startHostSimulators, type HostSimulators, type HostWorld } from '../../local/host-worlds';
import { Harness } from '../support/harness';

const KINDS = ['github', 'github-enterprise', 'gitlab', 'gitlab-self-managed', 'azure-devops', 'vsts', 'tfs 2018', 'codecommit'];
const BIG_BRANCH_COUNT = 130;
const topic = (n: number): string => `topic-${String(n).padStart(3, '0')}`;
const hex = (n: number): string => n.toString(16).padStart(40, '0');

/**
 * The pickers (GET /api/integrations/{id}/repositories and /branches) end to end: the real handlers
 * through the local API server, DynamoDB Local, and the real host clients against the four simulators.
 */
describe('pickers API, end to end through the API, DynamoDB Local and the host simulators', () => {
  let hosts: HostSimulators;
  let h: Harness;
  let site: SiteInfo;
  const admin = 'admin-1';

  /** Per kind: a repository with BIG_BRANCH_COUNT branches besides `main`, seeded where the service account sees it. */
  const bigRepository: Record<string, string> = {};

  beforeAll(async () => {
    hosts = await startHostSimulators();
    h = await Harness.start(hosts.env);
    site = await h.installSite();
    h.jira.grant(site.clientKey, admin, 'ADMINISTER');
    const branches = Object.fromEntries([['main', hex(1)], ...Array.from({ length: BIG_BRANCH_COUNT }, (_, i) => [topic(i), hex(i + 2)])]);
    hosts.github.seedRepository({ fullName: 'acme/big', defaultBranch: 'main', branches, collaborators: { 'svc-bot': 'write' } });
    hosts.github.seedRepository({ fullName: 'acme/secret', private: true, collaborators: { 'svc-bot': 'write' } });
    hosts.gitlab.seedProject({ path: 'acme/big', defaultBranch: 'main', branches, members: { 'svc-bot': 'developer' } });
    for (const path of ['/contoso', '/vsts-contoso', '/tfs2018/DefaultCollection']) {
      hosts.azure.seedRepository({ collection: path, project: 'web-project', name: 'big', branches, defaultBranch: 'main', owner: 'svc-bot' });
    }
    hosts.codecommit.createRepository({ name: 'big', defaultBranch: 'main', branches });
    hosts.codecommit.listPageSize = 40;
    for (const kind of KINDS) bigRepository[kind] = kind.startsWith('git') ? 'acme/big' : kind === 'codecommit' ? 'big' : 'web-project/big';
  });
  const secrets: string[] = [];
  afterAll(async () => {
    // No token ever reached a log line, whatever the picker calls above did.
    const logs = h.logs.text();
    for (const secret of secrets) expect(logs).not.toContain(secret);
    await h.stop();
    await hosts.stop();
  });

  const world = (kind: string): HostWorld => {
    return hosts.world(kind);
  };
  const createIntegration = async (w: HostWorld, requireUserPat: boolean): Promise<string> => {
    const res = await h.call('POST', '/api/admin/integrations', { as: { site, accountId: admin }, body: w.integrationBody(`${w.kind} ${Math.random().toString(36).slice(2, 7)}`, requireUserPat) });
    expect(res.status).toBe(201);
    return String(res.body.id);
  };
  // A user with View Development Tools in PROJ; the pickers serve issue PROJ-1 (test/integration/project-association.test.ts: without it).
  const newUser = (name: string, on: SiteInfo = site) => {
    const accountId = `${name}-${Math.random().toString(36).slice(2, 8)}`;
    h.jira.grant(on.clientKey, accountId, 'VIEW_DEV_TOOLS', 'PROJ');
    return { site: on, accountId };
  };
  const repositories = (as: { site: SiteInfo; accountId: string }, integrationId: string, query?: Record<string, string>) =>
    h.call('GET', `/api/integrations/${integrationId}/repositories`, { as, query: { issueKey: 'PROJ-1', ...query } });
  const branches = (as: { site: SiteInfo; accountId: string }, integrationId: string, query: Record<string, string>) =>
    h.call('GET', `/api/integrations/${integrationId}/branches`, { as, query: { issueKey: 'PROJ-1', ...query } });

  it.each(KINDS)('%s: refused like an action without a PAT, then lists as the user with one', async (kind) => {
    const w = world(kind);
    const integrationId = await createIntegration(w, true);
    const login = `pick-${kind.replace(/\W/g, '')}-${Math.random().toString(36).slice(2, 6)}`;
    const as = newUser(login);

    const hostRequests = () => hosts.github.requests.length + hosts.gitlab.requests.length + hosts.azure.requests.length + hosts.codecommit.requests.length;
    const before = hostRequests();
    const refusedRepositories = await repositories(as, integrationId);
    // The repository list names no repository: the refusal needs nothing from the host.
    expect(hostRequests()).toBe(before);
    const refusedBranches = await branches(as, integrationId, { repositoryId: w.repositoryId });
    // The user's own token is required and there is none: no host is asked anything, not even to
    // resolve a GitLab or Azure DevOps spelling (the host sees only the user, docs/architecture.md §3).
    expect(hostRequests()).toBe(before);
    const refusals = [refusedRepositories, refusedBranches];
    for (const refused of refusals) {
      expect(refused.status).toBe(428);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body).toMatchObject({ code: 'PAT_REQUIRED', setupUrl: expect.stringMatching(/^\/jira\/settings\/personal\/apps\/[^/]+\/[^/?]+\?integrationId=/), newTokenUrl: expect.stringMatching(/^https?:\/\//) });
    }

    const token = w.userToken(login);
    secrets.push(token.secret);
    expect((await h.call('PUT', `/api/me/tokens/${integrationId}`, { as, body: token.body })).status).toBe(200);

    const listed = await repositories(as, integrationId);
    expect(listed.status).toBe(200);
    expect(listed.headers.get('cache-control')).toBe('no-store');
    expect(listed.body).toMatchObject({ truncated: false, limit: 50, actedAs: { credential: 'user-pat', login } });
    const ids = (listed.body.repositories as { id: string }[]).map((r) => r.id);
    expect(ids).toContain(w.repositoryId);
    expect(listed.text).not.toContain(token.secret);

    const filtered = await repositories(as, integrationId, { query: w.repositoryId.toUpperCase() });
    expect((filtered.body.repositories as { id: string }[]).map((r) => r.id)).toEqual([w.repositoryId]);
    expect((await repositories(as, integrationId, { query: 'no-such-repository' })).body.repositories).toEqual([]);

    const listedBranches = await branches(as, integrationId, { repositoryId: w.repositoryId });
    expect(listedBranches.status).toBe(200);
    expect(listedBranches.body).toMatchObject({ repositoryId: w.repositoryId, truncated: false, limit: 50, actedAs: { credential: 'user-pat', login } });
    expect((listedBranches.body.branches as unknown[])[0]).toEqual({ name: w.defaultBranch, isDefault: true });

    // The token revoked on the host: the picker's 401 marks it invalid, as an action's would.
    w.revoke(token.secret);
    const revoked = await branches(as, integrationId, { repositoryId: w.repositoryId });
    expect(revoked.status).toBe(428);
    expect(revoked.body.code).toBe('PAT_INVALID');
    const readiness = await h.call('GET', '/api/me/integrations', { as });
    expect((readiness.body.integrations as { integrationId: string; status: string }[]).find((i) => i.integrationId === integrationId)?.status).toBe('invalid');
  });

  it.each(KINDS)('%s: pages through the host and stops at the first 50 matches, default branch first', async (kind) => {
    const integrationId = await createIntegration(world(kind), false);
    const as = newUser('pager');
    const repositoryId = bigRepository[kind] ?? '';

    const all = await branches(as, integrationId, { repositoryId });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ truncated: true, limit: 50, actedAs: { credential: 'service-account' } });
    const names = (all.body.branches as { name: string; isDefault: boolean }[]).map((b) => b.name);
    expect(names).toHaveLength(50);
    expect(names[0]).toBe('main');
    expect(new Set(names).size).toBe(50);
    expect((all.body.branches as { isDefault: boolean }[]).filter((b) => b.isDefault)).toHaveLength(1);

    // Matches spread over every host page (topic-005 … topic-125), any case.
    const some = await branches(as, integrationId, { repositoryId, query: 'OPIC-' });
    expect(some.body).toMatchObject({ truncated: true });
    const fives = await branches(as, integrationId, { repositoryId, query: '5' });
    expect(fives.body).toMatchObject({ truncated: false });
    const expected = Array.from({ length: BIG_BRANCH_COUNT }, (_, i) => topic(i)).filter((name) => name.includes('5'));
    expect(expected).toHaveLength(22);
    expect((fives.body.branches as { name: string }[]).map((b) => b.name).sort()).toEqual(expected);

    const withDefault = await branches(as, integrationId, { repositoryId, query: 'ai' });
    expect(withDefault.body.branches).toEqual([{ name: 'main', isDefault: true }]);
  });

  it('shows what the acting credential can see: the service account sees a private repository the user cannot', async () => {
    const w = world('github');
    const asUser = await createIntegration(w, true);
    const asService = await createIntegration(w, false);
    const login = `seer-${Math.random().toString(36).slice(2, 6)}`;
    const as = newUser(login);
    await h.call('PUT', `/api/me/tokens/${asUser}`, { as, body: w.userToken(login).body });

    const mine = (await repositories(as, asUser)).body.repositories as { id: string }[];
    const service = (await repositories(as, asService)).body.repositories as { id: string; defaultBranch?: string; url?: string }[];
    expect(mine.map((r) => r.id)).not.toContain('acme/secret');
    expect(service.map((r) => r.id)).toEqual(expect.arrayContaining(['acme/secret', 'acme/web', 'acme/big']));
    expect(service.find((r) => r.id === 'acme/web')).toEqual({ id: 'acme/web', name: 'acme/web', defaultBranch: 'main', url: `${hosts.github.url}/acme/web` });

    const hidden = await branches(as, asUser, { repositoryId: 'acme/secret' });
    expect(hidden.status).toBe(404);
    expect(hidden.body.code).toBe('NOT_FOUND');
  });

  it('a per-repository override decides the branch picker as it decides actions', async () => {
    const w = world('gitlab');
    const off = await createIntegration(w, false);
    const saved = await h.call('PUT', `/api/admin/integrations/${off}/repositories`, { as: { site, accountId: admin }, body: { repositoryId: w.repositoryId, requireUserPat: true } });
    expect(saved.status).toBe(200);
    const as = newUser('override');
    expect((await branches(as, off, { repositoryId: w.repositoryId })).body.code).toBe('PAT_REQUIRED');
    // The repository list names no repository: the integration's own setting (off) applies.
    expect((await repositories(as, off)).body.actedAs).toEqual({ credential: 'service-account' });
  });

  it('no spelling of a repository dodges its override in the branch picker', async () => {
    const w = world('github');
    const off = await createIntegration(w, false);
    const saved = await h.call('PUT', `/api/admin/integrations/${off}/repositories`, { as: { site, accountId: admin }, body: { repositoryId: w.repositoryId, requireUserPat: true } });
    expect(saved.status).toBe(200);
    const as = newUser('spelling');
    for (const spelling of [w.repositoryId.toUpperCase(), ` ${w.repositoryId} `]) {
      expect((await branches(as, off, { repositoryId: spelling })).body.code).toBe('PAT_REQUIRED');
    }
  });

  it('TFS 2015: PAT_NOT_SUPPORTED with the policy on; with it off, the Basic service account lists', async () => {
    const w = world('tfs 2015');
    const on = await createIntegration(w, true);
    const res = await repositories(newUser('tfs'), on);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'PAT_NOT_SUPPORTED', setupUrl: expect.any(String), newTokenUrl: expect.any(String) });
    const off = await createIntegration(w, false);
    const listed = await repositories(newUser('tfs'), off);
    expect(listed.body).toMatchObject({ repositories: [expect.objectContaining({ id: w.repositoryId, defaultBranch: 'main' })], actedAs: { credential: 'service-account' } });
    const branchList = await branches(newUser('tfs'), off, { repositoryId: w.repositoryId });
    expect(branchList.body.branches).toEqual([{ name: 'main', isDefault: true }]);
  });

  it('refuses bad input with problem+json and never calls the host', async () => {
    const w = world('github');
    const integrationId = await createIntegration(w, false);
    const as = newUser('bad');
    hosts.github.clearRequests();
    const cases: [Record<string, string>, string][] = [
      [{ repositoryId: w.repositoryId, query: 'a\u0000b' }, 'query'],
      [{ repositoryId: w.repositoryId, query: 'x'.repeat(101) }, 'query'],
      [{ repositoryId: w.repositoryId, query: 'tab\there' }, 'query'],
      [{}, 'repositoryId'],
      [{ repositoryId: 'a#b' }, 'repositoryId'],
      [{ repositoryId: w.repositoryId, page: '2' }, ''],
    ];
    for (const [query, field] of cases) {
      const res = await branches(as, integrationId, query);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      if (field) expect(JSON.stringify(res.body.errors)).toContain(field);
    }
    expect((await repositories(as, integrationId, { query: '\u007f' })).status).toBe(400);
    expect(hosts.github.requests).toHaveLength(0);

    expect((await repositories(as, 'nosuchintegration1')).status).toBe(404);
    expect((await repositories(as, 'Not-An-Id')).body.code).toBe('NOT_FOUND');
    expect((await h.call('GET', `/api/integrations/${integrationId}/repositories`)).status).toBe(401);
  });

  it("another site's integration is answered 404, like a missing one", async () => {
    const integrationId = await createIntegration(world('github'), false);
    const other = await h.installSite();
    const res = await repositories(newUser('stranger', other), integrationId);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
  });
});
