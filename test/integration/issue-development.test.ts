import type { SiteInfo } from '../../simulators/jira/jira-simulator';
import { startHostSimulators, type HostSimulators } from '../../local/host-worlds';
import { DEVELOPMENT_CACHE_MS } from '../../lambdas/services/issue-development';
import { Harness } from '../support/harness';
import { TestClock } from '../support/test-clock';
import { ISSUE_DEVELOPMENT_HOST_CALLS_BUDGET, measureIssueDevelopmentCalls } from '../bench/issue-development-calls';

/**
 * GET /api/issues/{issueKey}/development end to end: the real handler through the local API
 * server, DynamoDB Local, and the real GitHub client (Octokit) against the GitHub simulator. What
 * patgate made for the issue comes from its audit; what else exists comes from the host, read with
 * the credential the policy chooses, in a bounded number of requests, cached for a short while.
 */
describe('the issue\'s branches and pull requests (GitHub)', () => {
  let hosts: HostSimulators;
  let h: Harness;
  let site: SiteInfo;
  const clock = new TestClock();
  const admin = 'admin-dev';
  const uma = { accountId: 'uma-dev' } as { site: SiteInfo; accountId: string };
  let integrationId: string;
  let umaToken: string;
  let octoToken: string;

  /** GitHub's REST API as someone using GitHub directly (not through patgate). */
  const onGitHub = async (token: string, method: string, path: string, body: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(`${hosts.github.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/vnd.github+json' }, body: JSON.stringify(body) });
    expect(res.status).toBeLessThan(300);
    return (await res.json()) as Record<string, unknown>;
  };
  const development = (as: { site: SiteInfo; accountId: string }, issueKey: string, query: Record<string, string> = { integrationId }) =>
    h.call('GET', `/api/issues/${issueKey}/development`, { as, query });

  beforeAll(async () => {
    hosts = await startHostSimulators();
    h = await Harness.start(hosts.env, { clock });
    site = await h.installSite();
    uma.site = site;
    h.jira.grant(site.clientKey, admin, 'ADMINISTER');
    h.jira.grant(site.clientKey, uma.accountId, 'VIEW_DEV_TOOLS', 'PROJ');
    const main = hosts.github.listBranches('acme/web')?.find((b) => b.name === 'main');
    hosts.github.seedRepository({ fullName: 'acme/app', defaultBranch: 'main', branches: { main: main?.commitId ?? '1'.repeat(40) }, collaborators: { 'svc-bot': 'write' } });
    const world = hosts.world('github');
    const created = await h.call('POST', '/api/admin/integrations', { as: { site, accountId: admin }, body: world.integrationBody('GitHub (dev)', true) });
    expect(created.status).toBe(201);
    integrationId = String(created.body.id);
    umaToken = world.userToken('uma').secret;
    hosts.github.setCollaborator('acme/app', 'uma', 'write');
    expect((await h.call('PUT', `/api/me/tokens/${integrationId}`, { as: uma, body: { token: umaToken } })).status).toBe(200);
    octoToken = world.userToken('octo').secret;
    hosts.github.setCollaborator('acme/app', 'octo', 'write');
  }, 60_000);
  afterAll(async () => {
    // No token ever reached a log line.
    for (const secret of [umaToken, octoToken]) expect(h.logs.text()).not.toContain(secret);
    await h.stop();
    await hosts.stop();
  });

  it('lists what uma made through patgate (by uma, own token) and what others made on GitHub carrying the key, with states and numbers', async () => {
    const target = { integrationId, repositoryId: 'acme/app', issueKey: 'PROJ-7' };
    const branch = await h.call('POST', '/api/git/branches', { as: uma, body: { ...target, branchName: 'PROJ-7-login', fromRef: 'main' } });
    expect(branch.status).toBe(201);
    hosts.github.pushCommit('acme/app', 'PROJ-7-login');
    const pull = await h.call('POST', '/api/git/pull-requests', { as: uma, body: { ...target, sourceBranch: 'PROJ-7-login', targetBranch: 'main', title: 'PROJ-7 Fix login' } });
    expect(pull.status).toBe(201);

    // On GitHub directly: octo makes a branch carrying the key (lower-case) and a merged pull request from it, and one for PROJ-70.
    const sha = hosts.github.getBranch('acme/app', 'main')?.commitId;
    await onGitHub(octoToken, 'POST', '/repos/acme/app/git/refs', { ref: 'refs/heads/bugfix/proj-7-typo', sha });
    await onGitHub(octoToken, 'POST', '/repos/acme/app/git/refs', { ref: 'refs/heads/PROJ-70-other', sha });
    hosts.github.pushCommit('acme/app', 'bugfix/proj-7-typo');
    hosts.github.pushCommit('acme/app', 'PROJ-70-other');
    const merged = await onGitHub(octoToken, 'POST', '/repos/acme/app/pulls', { head: 'bugfix/proj-7-typo', base: 'main', title: 'Fix the typo' });
    await onGitHub(octoToken, 'POST', '/repos/acme/app/pulls', { head: 'PROJ-70-other', base: 'main', title: 'Another issue' });
    expect(hosts.github.closePullRequest('acme/app', Number(merged.number), { merged: true })).toBe(true);

    const before = hosts.github.requests.length;
    const res = await development(uma, 'PROJ-7');
    expect(res.status).toBe(200);
    expect(res.body.hostCalls).toBe(2);
    expect(hosts.github.requests.length - before).toBe(2);
    expect(res.body.repositories).toEqual([{ repositoryId: 'acme/app', read: 'host', actedAs: { credential: 'user-pat', login: 'uma' } }]);
    const branches = res.body.branches as Record<string, unknown>[];
    expect(branches.map((b) => b.name).sort()).toEqual(['PROJ-7-login', 'bugfix/proj-7-typo']);
    expect(branches.find((b) => b.name === 'PROJ-7-login')).toMatchObject({ repositoryId: 'acme/app', createdBy: { credential: 'user-pat', login: 'uma' }, url: `${hosts.github.url}/acme/app/tree/PROJ-7-login` });
    expect(branches.find((b) => b.name === 'bugfix/proj-7-typo')?.createdBy).toBeUndefined();
    const pulls = res.body.pullRequests as Record<string, unknown>[];
    expect(pulls).toHaveLength(2);
    expect(pulls.find((p) => p.id === String(pull.body.id))).toMatchObject({ reference: `#${String(pull.body.id)}`, state: 'open', title: 'PROJ-7 Fix login', createdBy: { credential: 'user-pat', login: 'uma' }, author: 'uma', url: pull.body.url });
    expect(pulls.find((p) => p.id === String(merged.number))).toMatchObject({ reference: `#${String(merged.number)}`, state: 'merged', sourceBranch: 'bugfix/proj-7-typo', author: 'octo' });
    expect(pulls.find((p) => p.id === String(merged.number))?.createdBy).toBeUndefined();
  });

  it('asks the host again only after the cache\'s time; a branch deleted through patgate is no longer listed as patgate\'s', async () => {
    const before = hosts.github.requests.length;
    const cached = await development(uma, 'PROJ-7');
    expect(cached.body.hostCalls).toBe(0);
    expect(hosts.github.requests.length).toBe(before);
    expect((cached.body.repositories as Record<string, unknown>[])[0]?.read).toBe('cached');

    const deleted = await h.call('DELETE', '/api/git/branches', { as: uma, body: { integrationId, repositoryId: 'acme/app', issueKey: 'PROJ-7', branchName: 'PROJ-7-login' } });
    expect(deleted.status).toBe(200);
    clock.advance(DEVELOPMENT_CACHE_MS + 1);
    const fresh = await development(uma, 'PROJ-7');
    expect(fresh.body.hostCalls).toBe(2);
    expect((fresh.body.branches as Record<string, unknown>[]).map((b) => b.name)).toEqual(['bugfix/proj-7-typo']);
  });

  it('an issue patgate never acted on asks no host; a named repository is read', async () => {
    const before = hosts.github.requests.length;
    const none = await development(uma, 'PROJ-8');
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({ branches: [], pullRequests: [], repositories: [], hostCalls: 0, pullRequestNoun: 'pull request' });
    expect(hosts.github.requests.length).toBe(before);
    const named = await development(uma, 'PROJ-8', { integrationId, repositoryId: 'acme/web' });
    expect(named.body.hostCalls).toBe(2);
  });

  it('a revoked token is that repository\'s refusal (PAT_INVALID), with patgate\'s own record still listed', async () => {
    hosts.github.revokeToken(umaToken);
    clock.advance(DEVELOPMENT_CACHE_MS + 1);
    const res = await development(uma, 'PROJ-7');
    expect(res.status).toBe(200);
    expect(res.body.repositories).toEqual([expect.objectContaining({ repositoryId: 'acme/app', read: 'refused', code: 'PAT_INVALID' })]);
    expect((res.body.pullRequests as Record<string, unknown>[]).map((p) => p.title)).toEqual(['PROJ-7 Fix login']);
    expect((res.body.pullRequests as Record<string, unknown>[])[0]?.state).toBeUndefined();
  });

  it('the panel\'s one call on open carries the issue\'s summary and type (Jira\'s fields.summary, fields.issuetype.name) for a user who may act, not for one who may not', async () => {
    h.jira.addIssue(site.clientKey, { key: 'PROJ-1234', summary: 'Crash on login', type: 'Bug' });
    const mine = await h.call('GET', '/api/me/integrations', { as: uma, query: { issueKey: 'PROJ-1234' } });
    expect(mine.body.issue).toMatchObject({ issueKey: 'PROJ-1234', viewDevTools: true, summary: 'Crash on login', issueType: 'Bug' });
    const stranger = await h.call('GET', '/api/me/integrations', { as: { site, accountId: 'no-permission' }, query: { issueKey: 'PROJ-1234' } });
    expect(stranger.body.issue).toMatchObject({ viewDevTools: false });
    expect(stranger.body.issue).not.toHaveProperty('summary');
  });

  it('refuses as problem+json with stable codes, asking no host', async () => {
    const before = hosts.github.requests.length;
    const stranger = { site, accountId: 'no-permission' };
    const forbidden = await development(stranger, 'PROJ-7');
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('content-type')).toContain('application/problem+json');
    expect(forbidden.body.code).toBe('FORBIDDEN');
    const unknown = await development(uma, 'PROJ-7', { integrationId: '00000000-0000-4000-8000-000000000000' });
    expect([404, 400]).toContain(unknown.status);
    expect(['NOT_FOUND', 'VALIDATION_FAILED']).toContain(unknown.body.code);
    const invalid = await development(uma, 'PROJ-7', { integrationId, repositoryId: 'x'.repeat(600) });
    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe('VALIDATION_FAILED');
    const extra = await development(uma, 'PROJ-7', { integrationId, other: '1' });
    expect(extra.status).toBe(400);
    const badKey = await development(uma, 'not-a-key');
    expect(badKey.status).toBe(400);
    expect(hosts.github.requests.length).toBe(before);
  });
});

describe('the bench\'s count of host requests behind the list (test/bench/issue-development-calls.ts)', () => {
  it('one repository: 2; five acted on: the newest 3 read, 6; again within the cache\'s time: 0 — each as the API reports', async () => {
    const { rows, violations } = await measureIssueDevelopmentCalls(process.env.PATGATE_TEST_DYNAMODB_ENDPOINT ?? '');
    expect(rows.map((r) => [r.hostCalls, r.reported])).toEqual([
      [2, 2],
      [ISSUE_DEVELOPMENT_HOST_CALLS_BUDGET, ISSUE_DEVELOPMENT_HOST_CALLS_BUDGET],
      [0, 0],
    ]);
    expect(violations).toEqual([]);
  }, 60_000);
});

describe('the issue\'s branches and pull requests on GitLab and Azure DevOps', () => {
  let hosts: HostSimulators;
  let h: Harness;
  let site: SiteInfo;

  beforeAll(async () => {
    hosts = await startHostSimulators();
    h = await Harness.start(hosts.env);
    site = await h.installSite();
  }, 60_000);
  afterAll(async () => {
    await h.stop();
    await hosts.stop();
  });

  it.each([
    ['gitlab', 'merge request'],
    ['gitlab-self-managed', 'merge request'],
    ['azure-devops', 'pull request'],
    ['vsts', 'pull request'],
    ['tfs 2019', 'pull request'],
  ])('%s: what the user made, as !id with its state, in two listing requests', async (kind, noun) => {
    const world = hosts.world(kind);
    const slug = kind.replace(/\W/g, '');
    h.jira.grant(site.clientKey, 'admin-gl', 'ADMINISTER');
    const as = { site, accountId: `uma-${slug}` };
    h.jira.grant(site.clientKey, as.accountId, 'VIEW_DEV_TOOLS', 'PROJ');
    const created = await h.call('POST', '/api/admin/integrations', { as: { site, accountId: 'admin-gl' }, body: world.integrationBody(`GitLab ${kind}`, true) });
    expect(created.status).toBe(201);
    const integrationId = String(created.body.id);
    const { body } = world.userToken(`uma-${slug}`);
    expect((await h.call('PUT', `/api/me/tokens/${integrationId}`, { as, body })).status).toBe(200);
    const issueKey = `PROJ-${30 + ['gitlab', 'gitlab-self-managed', 'azure-devops', 'vsts', 'tfs 2019'].indexOf(kind)}`;
    const target = { integrationId, repositoryId: world.repositoryId, issueKey };
    expect((await h.call('POST', '/api/git/branches', { as, body: { ...target, branchName: `${issueKey}-fix`, fromRef: world.defaultBranch } })).status).toBe(201);
    const mr = await h.call('POST', '/api/git/pull-requests', { as, body: { ...target, sourceBranch: `${issueKey}-fix`, targetBranch: world.defaultBranch, title: `${issueKey} Fix it` } });
    expect(mr.status).toBe(201);

    const before = hosts.gitlab.requests.length;
    const res = await h.call('GET', `/api/issues/${issueKey}/development`, { as, query: { integrationId } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ pullRequestNoun: noun, hostCalls: 2 });
    expect(res.body.repositories).toEqual([expect.objectContaining({ read: 'host' })]);
    // GitLab: exactly the two listings (the project's spelling was resolved when the branch was made, and is cached).
    if (kind.startsWith('gitlab')) expect(hosts.gitlab.requests.length - before).toBe(2);
    expect(res.body.branches).toEqual([expect.objectContaining({ name: `${issueKey}-fix`, createdBy: { credential: 'user-pat', login: expect.stringContaining(`uma-${slug}`) } })]);
    const pull = (res.body.pullRequests as Record<string, unknown>[])[0];
    expect(String(pull?.author)).toContain(`uma-${slug}`);
    expect(res.body.pullRequests).toEqual([
      expect.objectContaining({ id: String(mr.body.id), reference: `!${String(mr.body.id)}`, state: 'open', title: `${issueKey} Fix it`, url: mr.body.url, createdBy: { credential: 'user-pat', login: expect.stringContaining(`uma-${slug}`) } }),
    ]);
  });
});
