import type { SiteInfo } from '../../simulators/jira/jira-simulator';
import { startHostSimulators, type HostSimulators, type HostWorld } from '../../local/host-worlds';
import { Harness } from '../support/harness';

/**
 * The stories (admin, user, git actions, uninstall) for a site that installed the app through
 * Forge Remote, parameterised by platform so a second platform of the port can join them.
 */
describe.each(['forge'])('Jira platform %s: the whole story', (platform) => {
  let hosts: HostSimulators;
  let h: Harness;
  let site: SiteInfo;
  let github: HostWorld;
  let integrationId: string;
  const admin = `admin-${platform}`;
  const user = `user-${platform}`;

  beforeAll(async () => {
    hosts = await startHostSimulators();
    h = await Harness.start(hosts.env);
    site = await h.installSite();
    h.jira.grant(site.clientKey, admin, 'ADMINISTER');
    h.jira.grant(site.clientKey, user, 'VIEW_DEV_TOOLS', 'PROJ');
    github = hosts.world('github');
  });
  afterAll(async () => {
    await h.stop();
    await hosts.stop();
  });

  it('records which platform installed the tenant', async () => {
    const tenant = (await h.scanAll()).find((i) => i.PK === `T#${site.clientKey}` && i.SK === 'TENANT');
    // Forge's events name no site URL, and the install asks Jira nothing (Forge's 5 s): links are site-relative.
    expect(tenant).toMatchObject({ platform, baseUrl: '', cloudId: site.cloudId, forgeEnvironmentId: site.environmentId, clientKey: site.installationId });
  });

  it('admin: creates an integration that requires each user\'s PAT; a plain user is refused the admin API', async () => {
    const created = await h.call('POST', '/api/admin/integrations', { as: { site, accountId: admin }, body: github.integrationBody(`GitHub ${platform}`, true) });
    expect(created.status).toBe(201);
    integrationId = String(created.body.id);
    const listed = await h.call('GET', '/api/admin/integrations', { as: { site, accountId: admin } });
    expect(listed.status).toBe(200);
    expect(listed.body.integrations).toEqual([expect.objectContaining({ id: integrationId, requireUserPat: true })]);
    const denied = await h.call('GET', '/api/admin/integrations', { as: { site, accountId: user } });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('FORBIDDEN');
  });

  it('user: setup required, with the settings link of the platform that installed the site', async () => {
    const res = await h.call('GET', '/api/issues/PROJ-1/git-readiness', { as: { site, accountId: user }, query: { integrationId, repositoryId: github.repositoryId } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'refused', code: 'PAT_REQUIRED' });
    const link = new URL(String(res.body.setupUrl), site.baseUrl);
    expect(String(res.body.setupUrl).startsWith('/jira/settings/personal/apps/')).toBe(true);
    // The page's URL takes the app and environment ids (the FIT names the environment by its ARI).
    expect(link.pathname).toBe(`/jira/settings/personal/apps/${h.jira.forgeAppId.split('/').pop()}/${site.environmentId.split('/').pop()}`);
    expect(link.searchParams.get('integrationId')).toBe(integrationId);
  });

  it('user: saves a PAT, then creates a branch and a pull request as themself', async () => {
    const as = { site, accountId: user };
    const token = github.userToken(`dev-${platform}`);
    const saved = await h.call('PUT', `/api/me/tokens/${integrationId}`, { as, body: token.body });
    expect(saved.status).toBe(200);
    expect(saved.text).not.toContain(token.secret);
    const branch = `feature/PROJ-1-${platform}`;
    const created = await h.call('POST', '/api/git/branches', { as, body: { integrationId, repositoryId: github.repositoryId, issueKey: 'PROJ-1', branchName: branch, fromRef: github.defaultBranch } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ actedAs: { credential: 'user-pat', login: `dev-${platform}` } });
    expect(github.branchAuthor(branch)).toBe(`dev-${platform}`);
    github.commitTo(branch);
    const pr = await h.call('POST', '/api/git/pull-requests', { as, body: { integrationId, repositoryId: github.repositoryId, issueKey: 'PROJ-1', sourceBranch: branch, targetBranch: github.defaultBranch, title: 'PROJ-1 fix' } });
    expect(pr.status).toBe(201);
    const mine = await h.call('GET', '/api/me/integrations', { as });
    expect(mine.body.integrations).toEqual([expect.objectContaining({ integrationId, status: 'valid' })]);
  });

  it('git actions: another project, an unknown issue and a user without View Development Tools are refused', async () => {
    const body = (issueKey: string) => ({ integrationId, repositoryId: github.repositoryId, issueKey, branchName: `x/${issueKey}-${platform}`, fromRef: github.defaultBranch });
    const otherProject = await h.call('POST', '/api/git/branches', { as: { site, accountId: user }, body: body('DEMO-1') });
    expect(otherProject.status).toBe(403);
    const unknown = await h.call('POST', '/api/git/branches', { as: { site, accountId: user }, body: body('NOPE-1') });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('NOT_FOUND');
    const stranger = await h.call('GET', '/api/issues/PROJ-1/git-readiness', { as: { site, accountId: 'stranger' }, query: { integrationId, repositoryId: github.repositoryId } });
    expect(stranger.status).toBe(403);
  });

  it('asks Jira with numeric project ids only, the request Jira accepts', () => {
    const checks = h.jira.exchanges.filter((e) => e.operation === '/rest/api/3/permissions/check');
    expect(checks.length).toBeGreaterThan(0);
    for (const check of checks) {
      expect(check.status).toBe(200);
      const projects = ((check.requestBody as { projectPermissions?: { projects?: unknown[] }[] }).projectPermissions ?? []).flatMap((p) => p.projects ?? []);
      for (const id of projects) expect(typeof id).toBe('number');
    }
    expect(h.jira.exchanges.some((e) => e.operation === '/rest/api/3/issue/{issueIdOrKey}' && e.status === 200)).toBe(true);
  });

  it('uninstall: every item of the tenant goes, and its tokens are refused afterwards', async () => {
    const other = await h.installSite();
    expect(await h.uninstallSite(site)).toBe(204);
    await h.deletions.idle(); // the deletion job (lambdas/deletion) runs after the answer
    const items = await h.scanAll();
    expect(items.filter((i) => String(i.PK).startsWith(`T#${site.clientKey}`))).toEqual([]);
    expect(items.some((i) => i.PK === `T#${other.clientKey}`)).toBe(true);
    const after = await h.call('GET', '/api/me/integrations', { as: { site, accountId: user } });
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('UNAUTHENTICATED');
  });
});
