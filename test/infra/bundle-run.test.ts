import type { SiteInfo } from '../../lambdas/jira/simulator/jira-simulator';
import { startHostSimulators, type HostSimulators } from '../../lambdas/local/host-worlds';
import { Harness } from '../support/harness';
import { apiEvent, buildLambdas, coldRun, localModeEnvironment, type BuiltLambdas } from './built-lambdas';

/**
 * The deployed asset runs: the built git-action module (ES modules, code splitting, source maps)
 * is loaded by a fresh Node.js process in local mode, against this test's DynamoDB Local table,
 * Jira simulator and GitHub simulator, and creates a branch: the handler's static chunks load,
 * and the first host call loads the GitHub family's chunk with a dynamic import.
 */
describe('the built git-action module in a fresh process', () => {
  let built: BuiltLambdas;
  let hosts: HostSimulators;
  let h: Harness;
  let site: SiteInfo;

  beforeAll(async () => {
    [built, hosts] = await Promise.all([buildLambdas(), startHostSimulators()]);
    h = await Harness.start(hosts.env);
    site = await h.installSite();
    h.jira.grant(site.clientKey, 'admin-1', 'ADMINISTER');
  }, 60_000);
  afterAll(async () => {
    await h.stop();
    await hosts.stop();
    built.remove();
  });

  it('answers an unauthenticated request with problem+json', async () => {
    const run = await coldRun(`${built.dir}/git-action.mjs`, { env: localModeEnvironment(h, hosts.env), event: apiEvent('POST', '/api/git/branches', { body: {} }) });
    expect(run.response?.statusCode).toBe(401);
    expect(JSON.parse(run.response?.body ?? '{}')).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('creates a branch on the GitHub simulator with the service account', async () => {
    const w = hosts.world('github');
    const created = await h.call('POST', '/api/admin/integrations', { as: { site, accountId: 'admin-1' }, body: w.integrationBody('GitHub (bundle run)', false) });
    expect(created.status).toBe(201);
    const user = 'dev-bundle';
    h.jira.grant(site.clientKey, user, 'VIEW_DEV_TOOLS', 'PROJ');
    const branch = `feature/PROJ-1-bundle-${Math.random().toString(36).slice(2, 8)}`;
    const path = '/api/git/branches';
    const jwt = h.jira.userJwt(site.clientKey, user, { method: 'POST', path }, { expiresInSeconds: 600 });
    const body = { integrationId: String(created.body.id), repositoryId: w.repositoryId, issueKey: 'PROJ-1', branchName: branch, fromRef: w.defaultBranch };

    const run = await coldRun(`${built.dir}/git-action.mjs`, { env: localModeEnvironment(h, hosts.env), event: apiEvent('POST', path, { headers: { authorization: `JWT ${jwt}` }, body }) });

    expect(run.response?.statusCode).toBe(201);
    expect(JSON.parse(run.response?.body ?? '{}')).toMatchObject({ actedAs: { credential: 'service-account' }, url: expect.stringContaining(branch) });
    expect(w.branchAuthor(branch)).toBe(w.serviceLogin);
  });
});
