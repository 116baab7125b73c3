import { randomBytes } from 'node:crypto';
import type { SiteInfo } from '../../simulators/jira/jira-simulator';
import { startHostSimulators, type HostSimulators, type HostWorld } from '../../local/host-worlds';
import { Harness } from '../support/harness';

const sha = (): string => randomBytes(20).toString('hex');

/**
 * Issue 21, items 1–4: who may reach which repository. Real handlers through the local API server,
 * DynamoDB Local, the Jira simulator (permissions, issues, project search) and the real host clients
 * against the loopback simulators, whose request logs count every host call.
 */
describe('who may see and act on which repository', () => {
  let hosts: HostSimulators;
  let h: Harness;
  let site: SiteInfo;
  const admin = 'admin-assoc';
  const asAdmin = () => ({ site, accountId: admin });
  const hostCalls = () => hosts.github.requests.length + hosts.gitlab.requests.length + hosts.azure.requests.length + hosts.codecommit.requests.length;

  beforeAll(async () => {
    hosts = await startHostSimulators();
    h = await Harness.start(hosts.env);
    site = await h.installSite();
    h.jira.grant(site.clientKey, admin, 'ADMINISTER');
    h.jira.addIssue(site.clientKey, { key: 'OPS-1', summary: 'Rotate the on-call pager' });
  });
  afterAll(async () => {
    await h.stop();
    await hosts.stop();
  });

  /** A developer with View Development Tools in the named projects. */
  const developer = (...projects: string[]) => {
    const accountId = `dev-${randomBytes(4).toString('hex')}`;
    for (const project of projects) h.jira.grant(site.clientKey, accountId, 'VIEW_DEV_TOOLS', project);
    return { site, accountId };
  };
  const createIntegration = async (w: HostWorld, extra: Record<string, unknown> = {}, requireUserPat = false) => {
    const res = await h.call('POST', '/api/admin/integrations', { as: asAdmin(), body: { ...w.integrationBody(`${w.kind} ${randomBytes(3).toString('hex')}`, requireUserPat), ...extra } });
    return res;
  };
  const integrationId = async (w: HostWorld, extra: Record<string, unknown> = {}, requireUserPat = false): Promise<string> => {
    const res = await createIntegration(w, extra, requireUserPat);
    expect(res.status).toBe(201);
    return String(res.body.id);
  };
  const createBranch = (as: { site: SiteInfo; accountId: string }, id: string, issueKey: string, repositoryId = 'acme/web') =>
    h.call('POST', '/api/git/branches', { as, body: { integrationId: id, repositoryId, issueKey, branchName: `feature/${issueKey}-${randomBytes(3).toString('hex')}`, fromRef: 'main' } });

  describe('attacks (each passed on the code before issue 21)', () => {
    it('pickers without permission: 403 naming the project, and no host is asked', async () => {
      const w = hosts.world('github');
      const id = await integrationId(w);
      const stranger = developer(); // signed in to the site, no project permission anywhere
      const before = hostCalls();
      const repositories = await h.call('GET', `/api/integrations/${id}/repositories`, { as: stranger, query: { issueKey: 'PROJ-1' } });
      const branches = await h.call('GET', `/api/integrations/${id}/branches`, { as: stranger, query: { issueKey: 'PROJ-1', repositoryId: 'acme/web' } });
      for (const res of [repositories, branches]) {
        expect(res.status).toBe(403);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(res.body).toMatchObject({ code: 'FORBIDDEN', detail: 'You need View Development Tools in PROJ.', reason: 'missing-permission', projectKey: 'PROJ' });
      }
      // Without an issue the pickers answer nothing either.
      expect((await h.call('GET', `/api/integrations/${id}/repositories`, { as: stranger })).status).toBe(400);
      expect(hostCalls()).toBe(before);
    });

    it('an action from an unassociated project: 403, no host call; the associated project still acts', async () => {
      const w = hosts.world('github');
      const id = await integrationId(w, { projects: ['DEMO'] });
      const user = developer('PROJ', 'DEMO');
      const before = hostCalls();
      const refused = await createBranch(user, id, 'PROJ-1');
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: 'FORBIDDEN', reason: 'project-not-associated', projectKey: 'PROJ' });
      expect(String(refused.body.detail)).toContain('not available in project PROJ');
      const readiness = await h.call('GET', '/api/issues/PROJ-1/git-readiness', { as: user, query: { integrationId: id, repositoryId: 'acme/web' } });
      expect([readiness.status, readiness.body.reason]).toEqual([403, 'project-not-associated']);
      const picker = await h.call('GET', `/api/integrations/${id}/repositories`, { as: user, query: { issueKey: 'PROJ-1' } });
      expect([picker.status, picker.body.reason]).toEqual([403, 'project-not-associated']);
      expect(hostCalls()).toBe(before);

      const created = await createBranch(user, id, 'DEMO-1');
      expect(created.status).toBe(201);
    });

    it('a service-account write reached from a project the admin did not associate (an override narrows): 403, audited, nothing on the host', async () => {
      const w = hosts.world('github');
      const id = await integrationId(w);
      const narrowed = await h.call('PUT', `/api/admin/integrations/${id}/repositories`, { as: asAdmin(), body: { repositoryId: 'Acme/Web', requireUserPat: false, projects: ['DEMO'] } });
      expect(narrowed.status).toBe(200);
      expect(narrowed.body).toMatchObject({ repositoryId: 'acme/web', projects: [{ key: 'DEMO', id: h.jira.projectId(site.clientKey, 'DEMO') }] });
      const user = developer('PROJ', 'DEMO');
      const before = hostCalls();
      const refused = await createBranch(user, id, 'PROJ-1', 'ACME/web');
      expect([refused.status, refused.body.reason]).toEqual([403, 'project-not-associated']);
      expect(String(refused.body.detail)).toContain('acme/web');
      expect(hostCalls()).toBe(before);
      const audit = (await h.call('GET', '/api/admin/audit', { as: asAdmin(), query: { integrationId: id } })).body.entries as { outcome: string; code?: string; issueKey?: string }[];
      expect(audit).toContainEqual(expect.objectContaining({ outcome: 'refused', code: 'FORBIDDEN', issueKey: 'PROJ-1' }));
      // Another repository of the same integration is not narrowed.
      hosts.github.seedRepository({ fullName: 'acme/other', defaultBranch: 'main', branches: { main: sha() }, collaborators: { 'svc-bot': 'write' } });
      expect((await createBranch(user, id, 'PROJ-1', 'acme/other')).status).toBe(201);
      const allowed = await createBranch(user, id, 'DEMO-1');
      expect([allowed.status, allowed.body.actedAs]).toEqual([201, { credential: 'service-account' }]);
    });

    it('a host call with the service token while the user\'s token is required: resolution, listing and actions go as the user only', async () => {
      const w = hosts.world('gitlab');
      const id = await integrationId(w, {}, true);
      const user = developer('PROJ');
      const token = w.userToken(user.accountId);
      expect((await h.call('PUT', `/api/me/tokens/${id}`, { as: user, body: token.body })).status).toBe(200);
      // A project only the user can see: any call made with the service token answers 404.
      const project = hosts.gitlab.seedProject({ path: `mine/app-${randomBytes(2).toString('hex')}`, defaultBranch: 'main', branches: { main: sha() }, members: { [user.accountId]: 'developer' } });
      const from = hosts.gitlab.requests.length;
      const readiness = await h.call('GET', '/api/issues/PROJ-1/git-readiness', { as: user, query: { integrationId: id, repositoryId: project.path } });
      expect(readiness.body).toMatchObject({ status: 'ready', actedAs: { credential: 'user-pat', login: user.accountId } });
      const branches = await h.call('GET', `/api/integrations/${id}/branches`, { as: user, query: { issueKey: 'PROJ-1', repositoryId: String(project.id) } });
      expect(branches.status).toBe(200);
      const created = await createBranch(user, id, 'PROJ-1', project.path.toUpperCase());
      expect([created.status, created.body.actedAs]).toEqual([201, { credential: 'user-pat', login: user.accountId }]);
      const calls = hosts.gitlab.requests.slice(from);
      expect(calls.length).toBeGreaterThan(0);
      // Not one answer for the service account (it sees nothing of this project): the host saw only the user.
      expect(calls.filter((call) => call.status >= 400)).toEqual([]);
    });

    it('a wrong service token saved: refused next to the field with what the host answered, nothing stored', async () => {
      const w = hosts.world('github');
      const name = `wrong ${randomBytes(3).toString('hex')}`;
      const wrong = 'ghp_wrong0000000000000000000000000007890';
      const before = (await h.scanAll()).length;
      const res = await h.call('POST', '/api/admin/integrations', { as: asAdmin(), body: { ...w.integrationBody(name, false), serviceCredential: { token: wrong } } });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'TOKEN_REJECTED', errors: [{ field: 'serviceCredential.token', message: expect.stringContaining('did not accept this credential') }] });
      expect(res.text).not.toContain(wrong);
      expect((await h.scanAll()).length).toBe(before);
      const list = (await h.call('GET', '/api/admin/integrations', { as: asAdmin() })).body.integrations as { name: string }[];
      expect(list.map((i) => i.name)).not.toContain(name);

      // A PATCH with a wrong token keeps the integration as it was.
      const id = await integrationId(w);
      const patched = await h.call('PATCH', `/api/admin/integrations/${id}`, { as: asAdmin(), headers: { 'if-match': '"1"' }, body: { serviceCredential: { token: wrong } } });
      expect([patched.status, patched.body.code]).toEqual([422, 'TOKEN_REJECTED']);
      const read = await h.call('GET', `/api/admin/integrations/${id}`, { as: asAdmin() });
      expect(read.body).toMatchObject({ version: 1, serviceCredential: { login: 'svc-bot' } });
    });
  });

  it('stores and shows the service credential\'s identity and the expiry its host reports', async () => {
    const w = hosts.world('github');
    const expiresAt = new Date(Date.now() + 20 * 24 * 3600 * 1000);
    const token = hosts.github.issueToken({ login: 'svc-bot', expiresAt });
    const res = await createIntegration(w, { serviceCredential: { token } });
    expect(res.status).toBe(201);
    expect(res.body.serviceCredential).toMatchObject({ kind: 'token', login: 'svc-bot' });
    // GitHub tells the expiry in a header at minute precision.
    expect(Math.abs(Date.parse(String((res.body.serviceCredential as { expiresAt?: string }).expiresAt)) - expiresAt.getTime())).toBeLessThan(61_000);
    expect(res.text).not.toContain(token);
  });

  describe('the admin names projects; Jira decides what they are', () => {
    it('stores Jira\'s ids and shows keys; a key or id Jira does not know is 400 naming the field', async () => {
      const w = hosts.world('github');
      const demoId = h.jira.projectId(site.clientKey, 'DEMO') ?? '';
      const created = await createIntegration(w, { projects: ['DEMO', h.jira.projectId(site.clientKey, 'OPS') ?? ''] });
      expect(created.status).toBe(201);
      expect(created.body.projects).toEqual([
        { id: demoId, key: 'DEMO' },
        { id: h.jira.projectId(site.clientKey, 'OPS'), key: 'OPS' },
      ]);
      for (const [projects, field] of [
        [['DEMO', 'NOPE'], 'projects[1]'],
        [['999999999'], 'projects[0]'],
      ] as const) {
        const res = await createIntegration(w, { projects });
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field, message: expect.stringContaining('Jira knows no project') }] });
      }
      const malformed = await createIntegration(w, { projects: ['demo; DROP'] });
      expect([malformed.status, JSON.stringify(malformed.body.errors)]).toEqual([400, expect.stringContaining('projects')]);
      expect((await createIntegration(w, { projects: [] })).status).toBe(400);
    });

    it('an override never widens its integration: 400, and narrowing the integration under a wider override is 400 too', async () => {
      const w = hosts.world('github');
      const id = await integrationId(w, { projects: ['DEMO'] });
      const wider = await h.call('PUT', `/api/admin/integrations/${id}/repositories`, { as: asAdmin(), body: { repositoryId: 'acme/web', requireUserPat: true, projects: ['DEMO', 'OPS'] } });
      expect(wider.status).toBe(400);
      expect(wider.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'projects', message: expect.stringContaining('OPS') }] });
      expect((await h.call('PUT', `/api/admin/integrations/${id}/repositories`, { as: asAdmin(), body: { repositoryId: 'acme/web', requireUserPat: null, projects: ['DEMO'] } })).status).toBe(400);

      const open = await integrationId(w);
      expect((await h.call('PUT', `/api/admin/integrations/${open}/repositories`, { as: asAdmin(), body: { repositoryId: 'acme/web', requireUserPat: false, projects: ['OPS'] } })).status).toBe(200);
      const narrowed = await h.call('PATCH', `/api/admin/integrations/${open}`, { as: asAdmin(), headers: { 'if-match': '"1"' }, body: { projects: ['DEMO'] } });
      expect(narrowed.status).toBe(400);
      expect(narrowed.body).toMatchObject({ errors: [{ field: 'projects', message: expect.stringContaining('acme/web') }] });
      const widened = await h.call('PATCH', `/api/admin/integrations/${open}`, { as: asAdmin(), headers: { 'if-match': '"1"' }, body: { projects: ['DEMO', 'OPS'] } });
      expect(widened.status).toBe(200);
      expect(widened.body.projects).toEqual([expect.objectContaining({ key: 'DEMO' }), expect.objectContaining({ key: 'OPS' })]);
    });

    it('lists Jira\'s projects for the form, paged', async () => {
      const first = await h.call('GET', '/api/admin/jira-projects', { as: asAdmin(), query: { maxResults: '2' } });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ startAt: 0, isLast: false, projects: [expect.objectContaining({ key: 'DEMO', name: expect.any(String) }), expect.objectContaining({ key: 'OPS' })] });
      const next = await h.call('GET', '/api/admin/jira-projects', { as: asAdmin(), query: { maxResults: '2', startAt: '2' } });
      expect(next.body).toMatchObject({ startAt: 2, isLast: true, projects: [expect.objectContaining({ key: 'PROJ' })] });
      const user = developer('PROJ');
      expect((await h.call('GET', '/api/admin/jira-projects', { as: user })).status).toBe(403);
    });
  });

  it('the issue panel\'s one call on open answers the permission and each integration\'s availability', async () => {
    const w = hosts.world('github');
    const limited = await integrationId(w, { projects: ['DEMO'] });
    const everywhere = await integrationId(w);
    const user = developer('DEMO');
    const ops = await h.call('GET', '/api/me/integrations', { as: user, query: { issueKey: 'OPS-1' } });
    expect(ops.status).toBe(200);
    expect(ops.body.issue).toEqual({ issueKey: 'OPS-1', projectKey: 'OPS', projectId: h.jira.projectId(site.clientKey, 'OPS'), viewDevTools: false, message: 'You need View Development Tools in OPS.' });
    const availability = (body: Record<string, unknown>) => Object.fromEntries((body.integrations as { integrationId: string; availableInProject: boolean }[]).map((i) => [i.integrationId, i.availableInProject]));
    expect(availability(ops.body)).toMatchObject({ [limited]: false, [everywhere]: true });
    const demo = await h.call('GET', '/api/me/integrations', { as: user, query: { issueKey: 'DEMO-1' } });
    expect(demo.body.issue).toMatchObject({ projectKey: 'DEMO', viewDevTools: true });
    expect(availability(demo.body)).toMatchObject({ [limited]: true, [everywhere]: true });
    expect((await h.call('GET', '/api/me/integrations', { as: user, query: { issueKey: 'nope' } })).status).toBe(400);
  });
});
