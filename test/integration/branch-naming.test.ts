import type { SiteInfo } from '../../simulators/jira/jira-simulator';
import { integrationBody, publicResolver } from '../support/factories';
import { Harness } from '../support/harness';
import { acceptingHosts } from '../support/accepting-hosts';

/**
 * Issue 22: a team's branch naming per integration and a default source branch per repository, set
 * by the admin, reach the issue panel through `GET /api/me/integrations` and git-readiness; the audit
 * log says what changed. Real API, DynamoDB Local; hosts accept any credential (no host call here).
 */
describe('branch naming and default source branch: admin sets, users see, the audit says what changed', () => {
  let h: Harness;
  let site: SiteInfo;
  const admin = 'admin-1';
  const user = 'dev-1';
  const asAdmin = () => ({ site, accountId: admin });
  const asUser = () => ({ site, accountId: user });
  const naming = { template: '{issueType}/{issueKey}-{summary}', issueTypePrefixes: { Bug: 'bugfix', Story: 'feature' } };

  beforeAll(async () => {
    h = await Harness.start({ PATGATE_LOCAL_MODE: 'false', PATGATE_JIRA_ALLOW_HTTP: 'true' }, { resolveHost: publicResolver, providers: acceptingHosts });
    site = await h.installSite();
    h.jira.grant(site.clientKey, admin, 'ADMINISTER');
    h.jira.grant(site.clientKey, user, 'VIEW_DEV_TOOLS', 'PROJ');
  });
  afterAll(() => h.stop());

  const create = async (body: Record<string, unknown>) => h.call('POST', '/api/admin/integrations', { as: asAdmin(), body });
  const mine = async (integrationId: string) =>
    ((await h.call('GET', '/api/me/integrations', { as: asUser() })).body.integrations as Record<string, unknown>[]).find((i) => i.integrationId === integrationId);
  const audit = async (integrationId: string) =>
    (await h.call('GET', '/api/admin/audit', { as: asAdmin(), query: { integrationId } })).body.entries as { action: string; summary?: string[]; changes?: Record<string, unknown> }[];

  it('admin sets a template and prefixes → users see them in /api/me/integrations → the audit entry names the change', async () => {
    const created = await create(integrationBody('github', { name: 'Naming GitHub' }));
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    expect(created.body.branchNaming).toBeUndefined();
    // Absent: the panel keeps its default pattern.
    expect(await mine(id)).not.toHaveProperty('branchNaming');

    const patched = await h.call('PATCH', `/api/admin/integrations/${id}`, { as: asAdmin(), headers: { 'if-match': '"1"' }, body: { branchNaming: naming, requireUserPat: true } });
    expect(patched.status).toBe(200);
    expect(patched.body.branchNaming).toEqual(naming);
    expect((await h.call('GET', `/api/admin/integrations/${id}`, { as: asAdmin() })).body.branchNaming).toEqual(naming);
    expect(await mine(id)).toMatchObject({ branchNaming: naming });
    // With an issue key (the panel's call on open) too.
    const forIssue = await h.call('GET', '/api/me/integrations', { as: asUser(), query: { issueKey: 'PROJ-1' } });
    expect((forIssue.body.integrations as Record<string, unknown>[]).find((i) => i.integrationId === id)).toMatchObject({ branchNaming: naming });

    const [latest] = await audit(id);
    expect(latest).toMatchObject({ action: 'integration.updated' });
    expect(latest?.summary).toEqual(['Require User PAT: off → on', 'Branch names: default → {issueType}/{issueKey}-{summary} (Bug → bugfix, Story → feature)']);

    // null: back to the default pattern, and the audit says so.
    const cleared = await h.call('PATCH', `/api/admin/integrations/${id}`, { as: asAdmin(), headers: { 'if-match': '"2"' }, body: { branchNaming: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body).not.toHaveProperty('branchNaming');
    expect(await mine(id)).not.toHaveProperty('branchNaming');
    expect((await audit(id))[0]?.summary).toEqual(['Branch names: {issueType}/{issueKey}-{summary} (Bug → bugfix, Story → feature) → default']);
  });

  it('a template given on create is stored and audited', async () => {
    const created = await create({ ...integrationBody('gitlab', { name: 'Naming GitLab' }), branchNaming: { template: '{issueKey}/{summary}' } });
    expect(created.status).toBe(201);
    expect(created.body.branchNaming).toEqual({ template: '{issueKey}/{summary}', issueTypePrefixes: {} });
    const [entry] = await audit(String(created.body.id));
    expect(entry).toMatchObject({ action: 'integration.created', summary: ['Require User PAT: off', 'Projects: all', 'Branch names: {issueKey}/{summary}'] });
  });

  it.each([
    ['an unknown placeholder', { template: '{issueKey}-{assignee}' }, 'branchNaming.template', /unknown placeholder \{assignee\}/],
    ['no issue key', { template: 'feature/{summary}' }, 'branchNaming.template', /\{issueKey\}/],
    ['a literal git refuses', { template: '{issueKey}..{summary}' }, 'branchNaming.template', /\.\./],
    ['a space', { template: 'my branch/{issueKey}' }, 'branchNaming.template', /spaces/],
    ['a stray brace', { template: '{issueKey}-{summary' }, 'branchNaming.template', /\{ or \}/],
    ['too long', { template: `{issueKey}-${'x'.repeat(100)}` }, 'branchNaming.template', /at most 100/],
    ['a prefix git refuses', { template: '{issueType}/{issueKey}', issueTypePrefixes: { Bug: 'bug~fix' } }, 'branchNaming.issueTypePrefixes.Bug', /~/],
    ['an empty prefix', { template: '{issueType}/{issueKey}', issueTypePrefixes: { Bug: '' } }, 'branchNaming.issueTypePrefixes.Bug', /empty/],
  ])('refuses a template with %s, naming the field, and stores nothing', async (_what, branchNaming, field, message) => {
    const created = await create(integrationBody('github', { name: `Refused ${Math.random().toString(36).slice(2, 8)}` }));
    const id = String(created.body.id);
    const refused = await h.call('PATCH', `/api/admin/integrations/${id}`, { as: asAdmin(), headers: { 'if-match': '"1"' }, body: { branchNaming } });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('VALIDATION_FAILED');
    expect(refused.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, message: expect.stringMatching(message) })]));
    const read = await h.call('GET', `/api/admin/integrations/${id}`, { as: asAdmin() });
    expect(read.body).toMatchObject({ version: 1 });
    expect(read.body).not.toHaveProperty('branchNaming');
  });

  it('admin sets a repository default source branch → git-readiness names it → the audit says inherit → not required', async () => {
    const created = await create(integrationBody('github', { name: 'Source GitHub', requireUserPat: true }));
    const id = String(created.body.id);
    const set = await h.call('PUT', `/api/admin/integrations/${id}/repositories`, { as: asAdmin(), body: { repositoryId: 'Acme/Web', requireUserPat: false, defaultSourceBranch: 'develop' } });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ repositoryId: 'acme/web', requireUserPat: false, defaultSourceBranch: 'develop', effective: false });
    expect((await h.call('GET', `/api/admin/integrations/${id}`, { as: asAdmin() })).body.repositories).toEqual([expect.objectContaining({ repositoryId: 'acme/web', defaultSourceBranch: 'develop' })]);

    // Any spelling of the repository finds its override, and with it the branch to start from.
    const ready = await h.call('GET', '/api/issues/PROJ-1/git-readiness', { as: asUser(), query: { integrationId: id, repositoryId: 'ACME/web' } });
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', actedAs: { credential: 'service-account' }, defaultSourceBranch: 'develop' });
    // Another repository has no override: no default source branch (the host's default holds).
    const other = await h.call('GET', '/api/issues/PROJ-1/git-readiness', { as: asUser(), query: { integrationId: id, repositoryId: 'acme/api' } });
    expect(other.body).toMatchObject({ status: 'refused', code: 'PAT_REQUIRED' });
    expect(other.body).not.toHaveProperty('defaultSourceBranch');

    expect((await audit(id))[0]).toMatchObject({ action: 'repository-override.set', summary: ['override acme/web: inherit → not required', 'override acme/web default source branch: the host\'s default → develop'] });

    const changed = await h.call('PUT', `/api/admin/integrations/${id}/repositories`, { as: asAdmin(), body: { repositoryId: 'acme/web', requireUserPat: true } });
    expect(changed.status).toBe(200);
    expect(changed.body).not.toHaveProperty('defaultSourceBranch');
    expect((await audit(id))[0]?.summary).toEqual(['override acme/web: not required → required', 'override acme/web default source branch: develop → the host\'s default']);

    const removed = await h.call('PUT', `/api/admin/integrations/${id}/repositories`, { as: asAdmin(), body: { repositoryId: 'acme/web', requireUserPat: null } });
    expect(removed.status).toBe(200);
    expect((await audit(id))[0]).toMatchObject({ action: 'repository-override.removed', summary: ['override acme/web: required → inherit'] });
  });

  it.each([
    ['a name git refuses', { requireUserPat: false, defaultSourceBranch: 'dev..elop' }, /\.\./],
    ['a space', { requireUserPat: false, defaultSourceBranch: 'my branch' }, /spaces/],
    ['a removed override', { requireUserPat: null, defaultSourceBranch: 'develop' }, /required or not required/],
  ])('refuses a default source branch with %s and stores nothing', async (_what, body, message) => {
    const created = await create(integrationBody('github', { name: `Branch ${Math.random().toString(36).slice(2, 8)}` }));
    const id = String(created.body.id);
    const refused = await h.call('PUT', `/api/admin/integrations/${id}/repositories`, { as: asAdmin(), body: { repositoryId: 'acme/web', ...body } });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'defaultSourceBranch', message: expect.stringMatching(message) })]);
    expect((await h.call('GET', `/api/admin/integrations/${id}`, { as: asAdmin() })).body.repositories).toEqual([]);
  });
});
