import type { SiteInfo } from '../../simulators/jira/jira-simulator';
import { startHostSimulators, type HostSimulators, type HostWorld } from '../../local/host-worlds';
import { Harness } from '../support/harness';
import { TestClock } from '../support/test-clock';

const DAY = 24 * 3600 * 1000;
// GitHub and GitLab report a token's expiry; for Azure DevOps, VSTS and TFS the user states it on save.
const KNOWS_EXPIRY = new Set(['github', 'github-enterprise', 'gitlab', 'gitlab-self-managed', 'azure-devops', 'vsts', 'tfs 2018']);

describe('Require User PAT, end to end through the API, DynamoDB Local and the host simulators', () => {
  let hosts: HostSimulators;
  let h: Harness;
  let site: SiteInfo;
  const clock = new TestClock();
  const admin = 'admin-1';
  const secrets: string[] = [];

  beforeAll(async () => {
    hosts = await startHostSimulators();
    h = await Harness.start(hosts.env, { clock });
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
    const res = await h.call('POST', '/api/admin/integrations', { as: { site, accountId: admin }, body: w.integrationBody(`${w.kind} ${Math.random().toString(36).slice(2, 7)}`, requireUserPat) });
    expect(res.status).toBe(201);
    return String(res.body.id);
  };
  const newUser = (name: string) => {
    const accountId = `${name}-${Math.random().toString(36).slice(2, 8)}`;
    h.jira.grant(site.clientKey, accountId, 'VIEW_DEV_TOOLS', 'PROJ');
    return { site, accountId };
  };
  const branchBody = (w: HostWorld, integrationId: string, branchName: string) => ({ integrationId, repositoryId: w.repositoryId, issueKey: 'PROJ-1', branchName, fromRef: w.defaultBranch });
  const readiness = (as: { site: SiteInfo; accountId: string }, w: HostWorld, integrationId: string) =>
    h.call('GET', '/api/issues/PROJ-1/git-readiness', { as, query: { integrationId, repositoryId: w.repositoryId } });

  const kinds = ['github', 'github-enterprise', 'gitlab', 'gitlab-self-managed', 'azure-devops', 'vsts', 'tfs 2018', 'codecommit'];

  it.each(kinds)('%s: setup required → save PAT → ready as the user → branch and PR as the user → token expires', async (kind) => {
    const w = world(kind);
    const integrationId = await createIntegration(w, true);
    const login = `dev-${kind.replace(/\W/g, '')}-${Math.random().toString(36).slice(2, 6)}`;
    const as = newUser(login);

    const before = await readiness(as, w, integrationId);
    expect(before.body).toMatchObject({ status: 'refused', code: 'PAT_REQUIRED', setupUrl: expect.stringMatching(/^\/jira\/settings\/personal\/apps\/[^/]+\/[^/?]+\?integrationId=/), newTokenUrl: expect.stringMatching(/^https?:\/\//) });
    const refused = await h.call('POST', '/api/git/branches', { as, body: branchBody(w, integrationId, `feature/PROJ-1-${login}`) });
    expect(refused.status).toBe(428);
    expect(refused.body).toMatchObject({ code: 'PAT_REQUIRED', setupUrl: expect.any(String), newTokenUrl: expect.any(String) });

    const expiresAt = new Date(clock.now().getTime() + 3 * DAY);
    const token = w.userToken(login, { expiresAt });
    secrets.push(token.secret);
    const saved = await h.call('PUT', `/api/me/tokens/${integrationId}`, { as, body: token.body });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ providerLogin: login, status: KNOWS_EXPIRY.has(kind) ? 'expiring' : 'valid' });
    expect(saved.text).not.toContain(token.secret);

    expect((await readiness(as, w, integrationId)).body).toMatchObject({ status: 'ready', actedAs: { credential: 'user-pat', login } });

    const branch = `feature/PROJ-1-${login}`;
    const created = await h.call('POST', '/api/git/branches', { as, body: branchBody(w, integrationId, branch) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ actedAs: { credential: 'user-pat', login }, url: expect.any(String) });
    expect(w.branchAuthor(branch)).toBe(login);
    w.commitTo(branch);

    const pr = await h.call('POST', '/api/git/pull-requests', {
      as,
      body: { integrationId, repositoryId: w.repositoryId, issueKey: 'PROJ-1', sourceBranch: branch, targetBranch: w.defaultBranch, title: 'PROJ-1 change' },
    });
    expect(pr.status).toBe(201);
    expect(pr.body).toMatchObject({ actedAs: { credential: 'user-pat', login }, url: expect.any(String) });
    expect(w.pullRequestAuthors()).toContain(login);

    const again = await h.call('POST', '/api/git/branches', { as, body: branchBody(w, integrationId, branch) });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CONFLICT');
    // The CONFLICT links to what exists: the branch's web URL, as the create answered it.
    expect(again.body.url).toBe(created.body.url);
    const prAgain = await h.call('POST', '/api/git/pull-requests', {
      as,
      body: { integrationId, repositoryId: w.repositoryId, issueKey: 'PROJ-1', sourceBranch: branch, targetBranch: w.defaultBranch, title: 'PROJ-1 change again' },
    });
    expect([prAgain.status, prAgain.body.code]).toEqual([409, 'CONFLICT']);
    // …and the open pull request (GitHub, GitLab, Azure DevOps: one lookup; CodeCommit: its duplicate check).
    expect(prAgain.body.url).toBe(pr.body.url);

    if (KNOWS_EXPIRY.has(kind)) {
      clock.advance(4 * DAY);
      try {
        expect((await readiness(as, w, integrationId)).body).toMatchObject({ status: 'refused', code: 'PAT_EXPIRED' });
        const expired = await h.call('POST', '/api/git/branches', { as, body: branchBody(w, integrationId, `${branch}-2`) });
        expect(expired.status).toBe(428);
        expect(expired.body.code).toBe('PAT_EXPIRED');
      } finally {
        clock.advance(-4 * DAY);
      }
    } else {
      // CodeCommit access keys never expire; a deactivated key shows as the host's 401 on use.
      w.expire(token.secret);
      const rejected = await h.call('POST', '/api/git/branches', { as, body: branchBody(w, integrationId, `${branch}-2`) });
      expect(rejected.status).toBe(428);
      expect(rejected.body.code).toBe('PAT_INVALID');
      expect((await readiness(as, w, integrationId)).body).toMatchObject({ status: 'refused', code: 'PAT_INVALID' });
    }
  });

  it('with the policy off, actions run as the service account; overrides flip it per repository', async () => {
    const w = world('github');
    const off = await createIntegration(w, false);
    const as = newUser('plain');
    const res = await h.call('POST', '/api/git/branches', { as, body: branchBody(w, off, 'svc/one') });
    expect(res.status).toBe(201);
    expect(res.body.actedAs).toEqual({ credential: 'service-account' });
    expect(w.branchAuthor('svc/one')).toBe(w.serviceLogin);

    await h.call('PUT', `/api/admin/integrations/${off}/repositories`, { as: { site, accountId: admin }, body: { repositoryId: w.repositoryId, requireUserPat: true } });
    expect((await h.call('POST', '/api/git/branches', { as, body: branchBody(w, off, 'svc/two') })).body.code).toBe('PAT_REQUIRED');

    const on = await createIntegration(w, true);
    await h.call('PUT', `/api/admin/integrations/${on}/repositories`, { as: { site, accountId: admin }, body: { repositoryId: w.repositoryId, requireUserPat: false } });
    const svc = await h.call('POST', '/api/git/branches', { as, body: branchBody(w, on, 'svc/three') });
    expect(svc.status).toBe(201);
    expect(svc.body.actedAs).toEqual({ credential: 'service-account' });
  });

  it('TFS 2015 with the policy on refuses every action with PAT_NOT_SUPPORTED; with it off they run as the service account', async () => {
    const w = world('tfs 2015');
    const on = await createIntegration(w, true);
    const as = newUser('tfs');
    const attempts = [
      ['POST', '/api/git/branches', branchBody(w, on, 'tfs/a')],
      ['DELETE', '/api/git/branches', { integrationId: on, repositoryId: w.repositoryId, issueKey: 'PROJ-1', branchName: 'main' }],
      ['POST', '/api/git/pull-requests', { integrationId: on, repositoryId: w.repositoryId, issueKey: 'PROJ-1', sourceBranch: 'tfs/a', targetBranch: 'main', title: 't' }],
    ] as const;
    for (const [method, path, body] of attempts) {
      const res = await h.call(method, path, { as, body });
      expect([path, res.status, res.body.code]).toEqual([path, 422, 'PAT_NOT_SUPPORTED']);
      expect(String(res.body.detail)).toMatch(/TFS 2013 and 2015/);
    }
    const off = await createIntegration(w, false);
    const created = await h.call('POST', '/api/git/branches', { as, body: branchBody(w, off, 'tfs/b') });
    expect(created.status).toBe(201);
    expect(created.body.actedAs).toEqual({ credential: 'service-account' });
    const pr = await h.call('POST', '/api/git/pull-requests', { as, body: { integrationId: off, repositoryId: w.repositoryId, issueKey: 'PROJ-1', sourceBranch: 'tfs/b', targetBranch: 'main', title: 't' } });
    expect(pr.status).toBe(201);
    const del = await h.call('DELETE', '/api/git/branches', { as, body: { integrationId: off, repositoryId: w.repositoryId, issueKey: 'PROJ-1', branchName: 'tfs/b' } });
    expect(del.status).toBe(200);
  });

  it('one PAT serves branch and PR actions; deleting it brings back PAT_REQUIRED; a retried POST calls the host once', async () => {
    const w = world('gitlab');
    const id = await createIntegration(w, true);
    const login = `idem-${Math.random().toString(36).slice(2, 6)}`;
    const as = newUser(login);
    const token = w.userToken(login);
    secrets.push(token.secret);
    expect((await h.call('PUT', `/api/me/tokens/${id}`, { as, body: token.body })).status).toBe(200);
    hosts.gitlab.clearRequests();
    const body = branchBody(w, id, `idem/${login}`);
    const first = await h.call('POST', '/api/git/branches', { as, body, headers: { 'idempotency-key': `k-${login}` } });
    const second = await h.call('POST', '/api/git/branches', { as, body, headers: { 'idempotency-key': `k-${login}` } });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ url: first.body.url, replayed: true });
    expect(hosts.gitlab.requests.filter((r) => r.method === 'POST' && r.path.includes('/repository/branches'))).toHaveLength(1);
    const reused = await h.call('POST', '/api/git/branches', { as, body: { ...body, branchName: 'other' }, headers: { 'idempotency-key': `k-${login}` } });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');

    expect((await h.call('DELETE', `/api/me/tokens/${id}`, { as })).status).toBe(204);
    expect((await readiness(as, w, id)).body).toMatchObject({ code: 'PAT_REQUIRED' });
  });

  it('takes a stated expiry only where the host never tells one, and only in the future', async () => {
    const gh = world('github');
    const ghId = await createIntegration(gh, true);
    const login = `stated-${Math.random().toString(36).slice(2, 6)}`;
    const as = newUser(login);
    const future = new Date(clock.now().getTime() + 10 * DAY).toISOString();
    const ghToken = gh.userToken(login);
    secrets.push(ghToken.secret);
    const refused = await h.call('PUT', `/api/me/tokens/${ghId}`, { as, body: { ...ghToken.body, expiresAt: future } });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'expiresAt' })]);
    const az = world('azure-devops');
    const azId = await createIntegration(az, true);
    const azToken = az.userToken(login);
    secrets.push(azToken.secret);
    const past = await h.call('PUT', `/api/me/tokens/${azId}`, { as, body: { ...azToken.body, expiresAt: '2020-01-01T00:00:00Z' } });
    expect(past.status).toBe(400);
    const saved = await h.call('PUT', `/api/me/tokens/${azId}`, { as, body: { ...azToken.body, expiresAt: future } });
    expect(saved.body).toMatchObject({ status: 'valid', expiresAt: future });
  });

  it('refuses a token the host rejects with TOKEN_REJECTED and stores nothing', async () => {
    const w = world('github');
    const id = await createIntegration(w, true);
    const as = newUser('bad');
    const before = await h.scanAll();
    const res = await h.call('PUT', `/api/me/tokens/${id}`, { as, body: { token: 'ghp_' + 'x'.repeat(36) } });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('TOKEN_REJECTED');
    expect((await h.scanAll()).length).toBe(before.length);
  });

  it('user A never acts with, nor sees, user B\'s token; branch names are checked before any host call', async () => {
    const w = world('github');
    const id = await createIntegration(w, true);
    const loginB = `userb-${Math.random().toString(36).slice(2, 6)}`;
    const b = newUser(loginB);
    const a = newUser('usera');
    const token = w.userToken(loginB);
    secrets.push(token.secret);
    await h.call('PUT', `/api/me/tokens/${id}`, { as: b, body: token.body });
    const mine = await h.call('GET', '/api/me/integrations', { as: a });
    const entry = (mine.body.integrations as { integrationId: string; status: string; providerLogin?: string }[]).find((i) => i.integrationId === id);
    expect(entry).toMatchObject({ status: 'missing' });
    expect(entry?.providerLogin).toBeUndefined();
    expect((await h.call('POST', '/api/git/branches', { as: a, body: branchBody(w, id, 'a/try') })).body.code).toBe('PAT_REQUIRED');
    const bad = await h.call('POST', '/api/git/branches', { as: b, body: branchBody(w, id, 'bad..name') });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'branchName' })]);
    const outsider = { site, accountId: 'no-dev-tools' };
    expect((await h.call('POST', '/api/git/branches', { as: outsider, body: branchBody(w, id, 'x/y') })).status).toBe(403);
  });

  it('audits every git action, allowed or refused: who, as whom on the host, where, outcome and URL', async () => {
    const w = world('gitlab');
    const id = await createIntegration(w, true);
    const login = `audited-${Math.random().toString(36).slice(2, 6)}`;
    const as = newUser(login);
    await h.call('POST', '/api/git/branches', { as, body: branchBody(w, id, `audit/${login}`) });
    const token = w.userToken(login);
    secrets.push(token.secret);
    await h.call('PUT', `/api/me/tokens/${id}`, { as, body: token.body });
    const created = await h.call('POST', '/api/git/branches', { as, body: branchBody(w, id, `audit/${login}`) });
    const audit = await h.call('GET', '/api/admin/audit', { as: { site, accountId: admin }, query: { accountId: as.accountId, integrationId: id } });
    const entries = audit.body.entries as Record<string, unknown>[];
    expect(entries.map((e) => [e.action, e.outcome, e.code ?? null])).toEqual([
      ['create-branch', 'success', null],
      ['user-token.saved', 'success', null],
      ['create-branch', 'refused', 'PAT_REQUIRED'],
    ]);
    expect(entries[0]).toMatchObject({ actorAccountId: as.accountId, repositoryId: w.repositoryId, issueKey: 'PROJ-1', actedAs: { credential: 'user-pat', login }, url: created.body.url });
  });

  it('keeps every PAT out of the table, the responses and the logs; a ciphertext copied to another user does not decrypt', async () => {
    expect(secrets.length).toBeGreaterThan(8);
    const table = JSON.stringify(await h.scanAll());
    const logs = h.logs.text();
    for (const secret of secrets) {
      expect(table).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
    const tokens = (await h.scanAll()).filter((i) => i.type === 'user-token');
    const [first] = tokens as { tenant: string; integrationId: string; accountId: string; credential: { ciphertext: string } }[];
    if (!first) throw new Error('no tokens');
    await expect(h.app.deps.vault.decrypt(first.credential.ciphertext, { tenant: first.tenant, integrationId: first.integrationId, accountId: 'someone-else', purpose: 'user-pat' })).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
  });
});
