import { randomBytes } from 'node:crypto';
import type { SiteInfo } from '../../simulators/jira/jira-simulator';
import { MemoryEventSink } from '../support/memory-event-sink';
import { startHostSimulators, type HostSimulators, type HostWorld } from '../../local/host-worlds';
import { Harness } from '../support/harness';

/**
 * Issue 10, written as the attacks: each case acted as the service account (or leaked a token, or
 * showed a password's characters) before the fix. Real API, DynamoDB Local and host simulators.
 */
describe('security review: the Require User PAT guards hold', () => {
  let hosts: HostSimulators;
  let h: Harness;
  let site: SiteInfo;
  const events = new MemoryEventSink();
  const admin = 'sec-admin';
  const asAdmin = () => ({ site, accountId: admin });
  const sha = () => randomBytes(20).toString('hex');

  beforeAll(async () => {
    hosts = await startHostSimulators();
    h = await Harness.start(hosts.env, { events });
    site = await h.installSite();
    h.jira.grant(site.clientKey, admin, 'ADMINISTER');
  });
  afterAll(async () => {
    await h.stop();
    await hosts.stop();
  });

  const world = (kind: string): HostWorld => {
    return hosts.world(kind);
  };
  const createIntegration = async (w: HostWorld, requireUserPat: boolean): Promise<string> => {
    const res = await h.call('POST', '/api/admin/integrations', { as: asAdmin(), body: w.integrationBody(`${w.kind} ${randomBytes(3).toString('hex')}`, requireUserPat) });
    expect(res.status).toBe(201);
    return String(res.body.id);
  };
  /** The same loopback simulator under another host name: for the vault, another host. */
  const otherHostOf = (url: string): string => url.replace('127.0.0.1', 'localhost');
  const serviceCredentialOf = (w: HostWorld): { token: string } => w.integrationBody('any', false).serviceCredential as { token: string };
  const override = (integrationId: string, repositoryId: string, requireUserPat: boolean | null) =>
    h.call('PUT', `/api/admin/integrations/${integrationId}/repositories`, { as: asAdmin(), body: { repositoryId, requireUserPat } });
  const newUser = () => {
    const accountId = `dev-${randomBytes(4).toString('hex')}`;
    h.jira.grant(site.clientKey, accountId, 'VIEW_DEV_TOOLS', 'PROJ');
    return { site, accountId };
  };
  const createBranch = (as: { site: SiteInfo; accountId: string }, integrationId: string, repositoryId: string, branchName: string) =>
    h.call('POST', '/api/git/branches', { as, body: { integrationId, repositoryId, issueKey: 'PROJ-1', branchName, fromRef: 'main' } });
  const readiness = (as: { site: SiteInfo; accountId: string }, integrationId: string, repositoryId: string) =>
    h.call('GET', '/api/issues/PROJ-1/git-readiness', { as, query: { integrationId, repositoryId } });

  describe('item 1: no spelling of a repository dodges its override', () => {
    it.each(['ACME/Web', ' acme/web ', 'Acme/WEB\u00a0'])('GitHub: override on acme/web, a user without a PAT asks for %j → PAT_REQUIRED', async (spelling) => {
      const w = world('github');
      const id = await createIntegration(w, false);
      expect((await override(id, 'acme/web', true)).status).toBe(200);
      const user = newUser();
      const branch = `feature/PROJ-1-${randomBytes(3).toString('hex')}`;
      const res = await createBranch(user, id, spelling, branch);
      expect([res.status, res.body.code]).toEqual([428, 'PAT_REQUIRED']);
      expect(w.branchAuthor(branch)).toBeUndefined();
      expect((await readiness(user, id, spelling)).body).toMatchObject({ status: 'refused', code: 'PAT_REQUIRED' });
    });

    it('GitHub Enterprise: an override saved as ACME/Web is stored canonical and holds for acme/web', async () => {
      const w = world('github-enterprise');
      const id = await createIntegration(w, false);
      const saved = await override(id, '  ACME/Web ', true);
      expect(saved.body).toMatchObject({ repositoryId: 'acme/web', requireUserPat: true, effective: true });
      const res = await createBranch(newUser(), id, 'acme/web', `feature/PROJ-1-${randomBytes(3).toString('hex')}`);
      expect(res.body.code).toBe('PAT_REQUIRED');
    });

    it('GitLab: override on the path, a user asks by numeric id (and the other way round) → PAT_REQUIRED', async () => {
      const w = world('gitlab');
      const project = hosts.gitlab.seedProject({ path: `sec/app-${randomBytes(2).toString('hex')}`, defaultBranch: 'main', branches: { main: sha() }, members: { 'svc-bot': 'developer' } });
      const byPath = await createIntegration(w, false);
      expect((await override(byPath, project.path, true)).status).toBe(200);
      const branch = `feature/PROJ-1-${randomBytes(3).toString('hex')}`;
      const res = await createBranch(newUser(), byPath, String(project.id), branch);
      expect([res.status, res.body.code]).toEqual([428, 'PAT_REQUIRED']);
      expect(hosts.gitlab.getBranch(project.path, branch)).toBeUndefined();

      const byId = await createIntegration(w, false);
      expect((await override(byId, String(project.id), true)).status).toBe(200);
      const user = newUser();
      expect((await createBranch(user, byId, project.path.toUpperCase(), branch)).body.code).toBe('PAT_REQUIRED');
      expect((await readiness(user, byId, project.path)).body).toMatchObject({ status: 'refused', code: 'PAT_REQUIRED' });
    });

    it('GitLab: an override switched off for the id lets the path act as the service account (resolution works both ways)', async () => {
      const w = world('gitlab');
      const user = newUser();
      const token = w.userToken(user.accountId);
      const project = hosts.gitlab.seedProject({ path: `sec/open-${randomBytes(2).toString('hex')}`, defaultBranch: 'main', branches: { main: sha() }, members: { 'svc-bot': 'developer', [user.accountId]: 'reporter' } });
      const id = await createIntegration(w, true);
      expect((await override(id, String(project.id), false)).status).toBe(200);
      // The integration requires the user's own token: without one the path cannot be resolved (the
      // host sees only the user), so only the id's own spelling reaches its override.
      const branch = `feature/PROJ-1-${randomBytes(3).toString('hex')}`;
      expect((await createBranch(user, id, project.path, branch)).body.code).toBe('PAT_REQUIRED');
      expect((await h.call('PUT', `/api/me/tokens/${id}`, { as: user, body: token.body })).status).toBe(200);
      const res = await createBranch(user, id, project.path, branch);
      expect(res.status).toBe(201);
      expect(res.body.actedAs).toEqual({ credential: 'service-account' });
      expect(hosts.gitlab.getBranch(project.path, branch)?.createdBy).toBe('svc-bot');
    });

    it('Azure DevOps: override on project/name, a user asks by GUIDs (and by other case) → PAT_REQUIRED', async () => {
      const w = world('azure-devops');
      const name = `app-${randomBytes(2).toString('hex')}`;
      const seeded = hosts.azure.seedRepository({ collection: '/contoso', project: 'sec-project', name, branches: { main: sha() }, defaultBranch: 'main', owner: 'svc-bot' });
      const id = await createIntegration(w, false);
      expect((await override(id, `sec-project/${name}`, true)).status).toBe(200);
      for (const spelling of [`${seeded.projectId}/${seeded.id}`, `SEC-PROJECT/${name.toUpperCase()}`, `sec-project/${seeded.id.toUpperCase()}`]) {
        const branch = `feature/PROJ-1-${randomBytes(3).toString('hex')}`;
        const res = await createBranch(newUser(), id, spelling, branch);
        expect([spelling, res.status, res.body.code]).toEqual([spelling, 428, 'PAT_REQUIRED']);
        expect(hosts.azure.getBranch(`sec-project/${name}`, branch, '/contoso')).toBeUndefined();
      }
    });

    it('an override saved before ids were canonical (stored as Acme/Web) still holds for every spelling', async () => {
      const w = world('github');
      const id = await createIntegration(w, false);
      const { tenantPk, integrationSk, overrideSk } = await import('../../lambdas/store/keys');
      const { PutCommand, UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
      const { db, config } = h.app.deps;
      // As the previous version stored them: the exact spelling, on an integration without the canonical marker.
      await db.send(new UpdateCommand({ TableName: config.tableName, Key: { PK: tenantPk(site.clientKey), SK: integrationSk(id) }, UpdateExpression: 'REMOVE overrideKeys' }));
      const legacy = { integrationId: id, repositoryId: 'Acme/Web', requireUserPat: true, updatedAt: new Date().toISOString(), updatedBy: admin };
      await db.send(new PutCommand({ TableName: config.tableName, Item: { PK: tenantPk(site.clientKey), SK: overrideSk(id, 'Acme/Web'), type: 'override', ...legacy } }));
      for (const spelling of ['acme/web', 'ACME/WEB', 'Acme/Web']) {
        expect((await readiness(newUser(), id, spelling)).body).toMatchObject({ status: 'refused', code: 'PAT_REQUIRED' });
      }
      // The admin's next word on the repository, in any spelling, replaces the old-spelled override.
      expect((await override(id, 'acme/web', null)).status).toBe(200);
      expect((await readiness(newUser(), id, 'Acme/Web')).body).toMatchObject({ status: 'ready', actedAs: { credential: 'service-account' } });
    });

    it.each([
      ['github', 'acme'],
      ['github', 'acme/web/extra'],
      ['github', '-acme/web'],
      ['gitlab', 'web'],
      ['gitlab', 'acme/web.git'],
      ['azure-devops', 'project/re:po'],
      ['codecommit', 'web.git'],
    ])('%s: refuses %j as no repository the host would accept (400), on override and action alike', async (kind, spelling) => {
      const id = await createIntegration(world(kind), false);
      const saved = await override(id, spelling, true);
      expect([saved.status, saved.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      const acted = await createBranch(newUser(), id, spelling, 'feature/PROJ-1-x');
      expect([acted.status, acted.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    });

    it('CodeCommit names are case-sensitive: an override on Web does not apply to web', async () => {
      const id = await createIntegration(world('codecommit'), true);
      const saved = await override(id, 'Web', false);
      expect(saved.body).toMatchObject({ repositoryId: 'Web' });
      const res = await readiness(newUser(), id, 'web');
      expect(res.body).toMatchObject({ status: 'refused', code: 'PAT_REQUIRED' });
    });
  });

  describe('item 2: moving an integration never carries tokens to the new host', () => {
    const patch = (id: string, version: number, body: Record<string, unknown>) =>
      h.call('PATCH', `/api/admin/integrations/${id}`, { as: asAdmin(), headers: { 'if-match': `"${version}"` }, body });

    it('refuses a baseUrl change without a new service credential (400) and keeps everything as it was', async () => {
      const w = world('github-enterprise');
      const id = await createIntegration(w, false);
      const res = await patch(id, 1, { baseUrl: hosts.gitlab.url });
      expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'serviceCredential' })]);
      expect((await h.call('GET', `/api/admin/integrations/${id}`, { as: asAdmin() })).body).toMatchObject({ baseUrl: hosts.github.url, version: 1 });
    });

    it('refuses a region change without a new service credential (400)', async () => {
      const id = await createIntegration(world('codecommit'), false);
      const res = await patch(id, 1, { region: 'eu-west-1' });
      expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    });

    it('a move with a new credential drops every user token, one audit entry and one Token Invalid event per user', async () => {
      const w = world('github-enterprise');
      const id = await createIntegration(w, true);
      const users = [newUser(), newUser()];
      for (const user of users) {
        const token = w.userToken(user.accountId);
        expect((await h.call('PUT', `/api/me/tokens/${id}`, { as: user, body: token.body })).status).toBe(200);
      }
      const before = events.events.length;
      // Another host name for the same simulator: a move, with a credential that host accepts (it is verified on save).
      const moved = await patch(id, 1, { baseUrl: otherHostOf(hosts.github.url), serviceCredential: serviceCredentialOf(w) });
      expect(moved.status).toBe(200);
      for (const user of users) {
        const mine = (await h.call('GET', '/api/me/integrations', { as: user })).body.integrations as { integrationId: string; status: string }[];
        expect(mine.find((i) => i.integrationId === id)?.status).toBe('missing');
      }
      const emitted = events.events.slice(before);
      expect(emitted.map((e) => [e.detailType, e.detail.accountId]).sort()).toEqual(users.map((u) => ['Token Invalid', u.accountId]).sort());
      const audit = (await h.call('GET', '/api/admin/audit', { as: asAdmin(), query: { integrationId: id, limit: '50' } })).body.entries as { action: string; changes?: { owner?: string } }[];
      expect(audit.filter((e) => e.action === 'user-token.dropped').map((e) => e.changes?.owner).sort()).toEqual(users.map((u) => u.accountId).sort());
      const tokens = (await h.scanAll()).filter((item) => item.type === 'user-token' && item.integrationId === id);
      expect(tokens).toEqual([]);
    });

    it('binds ciphertexts to the host: after a move the old service ciphertext does not open for the new host', async () => {
      const w = world('github-enterprise');
      const id = await createIntegration(w, false);
      const before = await h.app.deps.integrationStore.get(site.clientKey, id);
      if (!before) throw new Error('missing');
      const moved = await patch(id, 1, { baseUrl: otherHostOf(hosts.github.url), serviceCredential: serviceCredentialOf(w) });
      expect(moved.status).toBe(200);
      const { userTokenContext, serviceCredentialContext } = await import('../../lambdas/services/host-credentials');
      const after = await h.app.deps.integrationStore.get(site.clientKey, id);
      if (!after) throw new Error('missing');
      await expect(h.app.deps.vault.decrypt(before.serviceCredential.ciphertext, serviceCredentialContext(h.app.deps.families, after))).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
      expect((await h.app.deps.vault.decrypt(after.serviceCredential.ciphertext, serviceCredentialContext(h.app.deps.families, after))).reveal()).toContain(serviceCredentialOf(w).token);
      expect(userTokenContext(h.app.deps.families, after, 'x').host).toBe(otherHostOf(hosts.github.url));
    });

    it('newTokenUrl comes from the integration\'s own verified host', async () => {
      const w = world('github-enterprise');
      const id = await createIntegration(w, true);
      const res = await readiness(newUser(), id, 'acme/web');
      expect(new URL(String(res.body.newTokenUrl)).origin).toBe(new URL(hosts.github.url).origin);
    });
  });

  describe('item 9: TFS Basic passwords', () => {
    it('shows no hint and stores no character of the password in clear', async () => {
      // The simulated TFS 2015's service account (a Basic password is verified with the host on save too).
      const password = 'svc-bot-password';
      const res = await h.call('POST', '/api/admin/integrations', {
        as: asAdmin(),
        body: { name: `tfs2015 ${randomBytes(3).toString('hex')}`, provider: 'tfs', tfsVersion: '2015', baseUrl: hosts.azure.collectionUrl('/tfs2015/DefaultCollection'), requireUserPat: false, serviceCredential: { username: 'svc-bot', password } },
      });
      expect(res.status).toBe(201);
      expect(res.body.serviceCredential).toMatchObject({ kind: 'basic', username: 'svc-bot', hint: '' });
      expect(res.text).not.toContain(password);
      const item = (await h.scanAll()).find((i) => i.type === 'integration' && i.id === res.body.id) as { serviceCredential: { hint: string } };
      expect(item.serviceCredential.hint).toBe('');
      expect(JSON.stringify(item)).not.toContain(password);
    });
  });
});
