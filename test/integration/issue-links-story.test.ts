import type { SiteInfo } from '../../simulators/jira/jira-simulator';
import { startHostSimulators, type HostSimulators, type HostWorld } from '../../local/host-worlds';
import { noTelemetry, useTelemetry, type Telemetry } from '../../lambdas/observability/telemetry';
import { Harness } from '../support/harness';
import { contractProblems } from '../support/jira-openapi';

const DAY = 24 * 3600 * 1000;
const REMOTELINK = '/rest/api/3/issue/{issueIdOrKey}/remotelink';

/**
 * Issue 15: git actions shown on the Jira issue as remote links, written as the app (the app
 * system token from the request), best effort. Real API, DynamoDB Local, the GitHub simulator and the strict Jira simulator.
 */
describe.each(['forge'])('Jira platform %s: actions visible on the issue', (platform) => {
  let hosts: HostSimulators;
  let h: Harness;
  let site: SiteInfo;
  let github: HostWorld;
  let ownTokenIntegration: string;
  let serviceIntegration: string;
  let previousTelemetry: Telemetry;
  const jiraFailures: string[] = [];
  const admin = `admin-${platform}`;
  const user = `user-${platform}`;
  const login = `octo-${platform}`;
  let keyCounter = 0;
  const idempotencyKey = () => `links-${platform}-${(keyCounter += 1)}`;

  beforeAll(async () => {
    previousTelemetry = useTelemetry({ ...noTelemetry, jiraCallFailed: (operation) => jiraFailures.push(operation) });
    hosts = await startHostSimulators();
    h = await Harness.start(hosts.env);
    site = await h.installSite();
    h.jira.grant(site.clientKey, admin, 'ADMINISTER');
    h.jira.grant(site.clientKey, user, 'VIEW_DEV_TOOLS', 'PROJ');
    github = hosts.world('github');
    const create = async (name: string, requireUserPat: boolean) => {
      const res = await h.call('POST', '/api/admin/integrations', { as: { site, accountId: admin }, body: github.integrationBody(name, requireUserPat) });
      expect(res.status).toBe(201);
      return String(res.body.id);
    };
    ownTokenIntegration = await create(`GitHub own ${platform}`, true);
    serviceIntegration = await create(`GitHub service ${platform}`, false);
    const saved = await h.call('PUT', `/api/me/tokens/${ownTokenIntegration}`, { as: { site, accountId: user }, body: github.userToken(login, { expiresAt: new Date(Date.now() + 3 * DAY + 3600_000) }).body });
    expect(saved.status).toBe(200);
  });
  afterAll(async () => {
    useTelemetry(previousTelemetry);
    await h.stop();
    await hosts.stop();
  });
  beforeEach(() => {
    jiraFailures.length = 0;
    h.jira.failRemoteLinks(site.clientKey, undefined);
  });

  const as = () => ({ site, accountId: user });
  const createBranch = (integrationId: string, issueKey: string, branchName: string, key?: string) =>
    h.call('POST', '/api/git/branches', { as: as(), headers: key ? { 'idempotency-key': key } : {}, body: { integrationId, repositoryId: github.repositoryId, issueKey, branchName, fromRef: github.defaultBranch } });
  const deleteBranch = (integrationId: string, issueKey: string, branchName: string) =>
    h.call('DELETE', '/api/git/branches', { as: as(), body: { integrationId, repositoryId: github.repositoryId, issueKey, branchName } });
  const links = (issueKey: string) => h.jira.remoteLinks(site.clientKey, issueKey);

  it('a created branch shows on the issue, named after the user\'s own token; a retry updates the link instead of adding one', async () => {
    const branch = `PROJ-21-fix-login-${platform}`;
    const key = idempotencyKey();
    const created = await createBranch(ownTokenIntegration, 'PROJ-21', branch, key);
    expect(created.status).toBe(201);
    expect(links('PROJ-21')).toEqual([
      expect.objectContaining({
        globalId: expect.stringMatching(new RegExp(`^patgate-branch-${ownTokenIntegration}-[A-Za-z0-9_-]{43}$`)),
        relationship: 'git',
        application: { type: 'patgate.git', name: 'patgate' },
        object: expect.objectContaining({ url: created.body.url, title: `Branch ${branch} created by ${login} (own token)`, summary: `GitHub own ${platform}: ${github.repositoryId}` }),
      }),
    ]);
    const [first] = links('PROJ-21');

    const retried = await createBranch(ownTokenIntegration, 'PROJ-21', branch, key);
    expect(retried.status).toBe(201);
    expect(retried.body.replayed).toBe(true);
    expect(links('PROJ-21')).toEqual([expect.objectContaining({ id: first?.id, globalId: first?.globalId })]);
    const posts = h.jira.exchanges.filter((e) => e.operation === REMOTELINK && e.method === 'POST' && (e.requestBody as { globalId?: string }).globalId === first?.globalId);
    expect(posts.map((e) => e.status)).toEqual([201, 200]);
    expect(jiraFailures).toEqual([]);
  });

  it('the integration account is named when the service credential acted; a pull request gets its own link', async () => {
    const branch = `PROJ-22-service-${platform}`;
    const created = await createBranch(serviceIntegration, 'PROJ-22', branch);
    expect(created.status).toBe(201);
    expect(created.body.actedAs).toEqual({ credential: 'service-account' });
    github.commitTo(branch);
    const pr = await h.call('POST', '/api/git/pull-requests', {
      as: as(),
      body: { integrationId: serviceIntegration, repositoryId: github.repositoryId, issueKey: 'PROJ-22', sourceBranch: branch, targetBranch: github.defaultBranch, title: 'PROJ-22 fix the login' },
    });
    expect(pr.status).toBe(201);
    expect(links('PROJ-22').map((l) => l.object)).toEqual([
      expect.objectContaining({ title: `Branch ${branch} created by the integration account`, url: created.body.url }),
      expect.objectContaining({ title: `Pull request ${String(pr.body.id)} "PROJ-22 fix the login" opened by the integration account`, url: pr.body.url, status: { resolved: false } }),
    ]);
  });

  it('deleting the branch removes its link; another branch\'s link on the issue stays', async () => {
    const branch = `PROJ-23-remove-${platform}`;
    expect((await createBranch(serviceIntegration, 'PROJ-23', branch)).status).toBe(201);
    const other = `PROJ-23-keep-${platform}`;
    expect((await createBranch(serviceIntegration, 'PROJ-23', other)).status).toBe(201);
    expect(links('PROJ-23')).toHaveLength(2);
    const deleted = await deleteBranch(serviceIntegration, 'PROJ-23', branch);
    expect(deleted.status).toBe(200);
    expect(links('PROJ-23').map((l) => (l.object as { title: string }).title)).toEqual([`Branch ${other} created by the integration account`]);
    expect(jiraFailures).toEqual([]);
  });

  it('Jira answering 500: the git action still succeeds, the failure is logged and counted; the retry writes the link once Jira is back', async () => {
    h.jira.failRemoteLinks(site.clientKey, 500);
    const branch = `PROJ-24-jira-down-${platform}`;
    const key = idempotencyKey();
    const created = await createBranch(ownTokenIntegration, 'PROJ-24', branch, key);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ branchName: branch, actedAs: { credential: 'user-pat', login } });
    expect(github.branchAuthor(branch)).toBe(login);
    expect(jiraFailures).toEqual(['remotelink']);
    expect(h.logs.text()).toContain('Jira remote link not written; the git action stands');
    expect(links('PROJ-24')).toEqual([]);

    const deleted = await deleteBranch(ownTokenIntegration, 'PROJ-24', `${branch}-never-linked`);
    expect(deleted.status).toBe(404); // the host's answer: the branch does not exist; Jira is not asked
    expect(jiraFailures).toEqual(['remotelink']);

    h.jira.failRemoteLinks(site.clientKey, undefined);
    const retried = await createBranch(ownTokenIntegration, 'PROJ-24', branch, key);
    expect(retried).toMatchObject({ status: 201, body: { replayed: true } });
    expect(links('PROJ-24')).toEqual([expect.objectContaining({ object: expect.objectContaining({ title: `Branch ${branch} created by ${login} (own token)` }) })]);

    h.jira.failRemoteLinks(site.clientKey, 500);
    expect((await deleteBranch(ownTokenIntegration, 'PROJ-24', branch)).status).toBe(200);
    expect(jiraFailures).toEqual(['remotelink', 'remotelink']);
    expect(links('PROJ-24')).toHaveLength(1);
  });

  it('every remote-link request patgate sent, and every answer, matches Jira\'s published operation', () => {
    const exchanges = h.jira.exchanges.filter((e) => e.operation === REMOTELINK && e.status !== 500);
    expect(new Set(exchanges.map((e) => e.method))).toEqual(new Set(['POST', 'DELETE']));
    for (const exchange of exchanges) expect({ exchange: `${exchange.method} ${exchange.status}`, problems: contractProblems(exchange) }).toEqual({ exchange: `${exchange.method} ${exchange.status}`, problems: [] });
  });

  it('expiry reaches the user: readiness (acting with their token) and /api/me/integrations carry expiresInDays and a warning within 7 days', async () => {
    const readiness = await h.call('GET', '/api/issues/PROJ-1/git-readiness', { as: as(), query: { integrationId: ownTokenIntegration, repositoryId: github.repositoryId } });
    expect(readiness.body).toMatchObject({ status: 'ready', actedAs: { credential: 'user-pat', login }, expiresInDays: 3, warning: expect.stringMatching(new RegExp(`^Your token for GitHub own ${platform} expires in 3 days \\(\\d{4}-\\d{2}-\\d{2}\\)`)) });
    const service = await h.call('GET', '/api/issues/PROJ-1/git-readiness', { as: as(), query: { integrationId: serviceIntegration, repositoryId: github.repositoryId } });
    expect(service.body).toMatchObject({ status: 'ready', actedAs: { credential: 'service-account' } });
    expect(service.body).not.toHaveProperty('expiresInDays');
    expect(service.body).not.toHaveProperty('warning');
    const mine = await h.call('GET', '/api/me/integrations', { as: as() });
    const byId = new Map((mine.body.integrations as { integrationId: string }[]).map((i) => [i.integrationId, i]));
    expect(byId.get(ownTokenIntegration)).toMatchObject({ status: 'expiring', expiresInDays: 3, warning: expect.stringContaining('expires in 3 days') });
    expect(byId.get(serviceIntegration)).toMatchObject({ status: 'missing' });
    expect(byId.get(serviceIntegration)).not.toHaveProperty('warning');
  });
});
