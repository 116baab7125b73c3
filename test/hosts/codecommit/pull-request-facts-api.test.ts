import { PULL_REQUEST_TARGETS } from '../../../lambdas/hosts/codecommit/pull-request-targets';
import type { SiteInfo } from '../../../simulators/jira/jira-simulator';
import { startHostSimulators, type HostSimulators, type HostWorld } from '../../../local/host-worlds';
import { Harness } from '../../support/harness';

/**
 * The shared record of CodeCommit pull requests as the git-action function is wired (the local
 * runtime's wiring, DynamoDB Local, the CodeCommit simulator): a new container's create costs
 * ListPullRequests + CreatePullRequest, a duplicate is still 409 CONFLICT linking the open pull
 * request, and an uninstall deletes the record with the tenant. A "new container" is the per-container
 * pull request cache emptied.
 */
describe('CodeCommit pull requests recorded for every container, through the API', () => {
  let hosts: HostSimulators;
  let h: Harness;
  let site: SiteInfo;
  let world: HostWorld;
  let integrationId: string;
  const admin = 'admin-1';
  const user = 'dev-1';

  beforeAll(async () => {
    hosts = await startHostSimulators();
    h = await Harness.start(hosts.env);
    site = await h.installSite();
    h.jira.grant(site.clientKey, admin, 'ADMINISTER');
    h.jira.grant(site.clientKey, user, 'VIEW_DEV_TOOLS', 'PROJ');
    world = hosts.world('codecommit');
    const res = await h.call('POST', '/api/admin/integrations', { as: { site, accountId: admin }, body: world.integrationBody('CodeCommit', false) });
    expect(res.status).toBe(201);
    integrationId = String(res.body.id);
    const branches = ['feature/a', 'feature/b', 'feature/c', 'elsewhere'];
    hosts.codecommit.createRepository({ name: world.repositoryId, defaultBranch: 'main', branches: Object.fromEntries(['main', ...branches].map((b) => [b, '3'.repeat(40)])) });
  });
  afterAll(async () => {
    await h.stop();
    await hosts.stop();
  });

  const openPullRequest = (sourceBranch: string) =>
    h.call('POST', '/api/git/pull-requests', {
      as: { site, accountId: user },
      body: { integrationId, repositoryId: world.repositoryId, issueKey: 'PROJ-1', sourceBranch, targetBranch: 'main', title: `PROJ-1 ${sourceBranch}` },
    });

  const inNewContainer = async (sourceBranch: string) => {
    PULL_REQUEST_TARGETS.clear();
    hosts.codecommit.clearRequests();
    const res = await openPullRequest(sourceBranch);
    return { res, hostCalls: hosts.codecommit.operations() };
  };

  it('a new container creates with ListPullRequests + CreatePullRequest, refuses a duplicate as CONFLICT, and the uninstall deletes the record', async () => {
    const first = await openPullRequest('feature/a');
    expect(first.status).toBe(201);
    hosts.codecommit.seedPullRequest({ repository: world.repositoryId, sourceBranch: 'elsewhere', targetBranch: 'main' });

    // Opened outside patgate: read once…
    const second = await inNewContainer('feature/b');
    expect(second.res.status).toBe(201);
    expect(second.hostCalls).toEqual(['ListPullRequests', 'GetPullRequest', 'CreatePullRequest']);

    // …then known to every new container.
    const third = await inNewContainer('feature/c');
    expect(third.res.status).toBe(201);
    expect(third.hostCalls).toEqual(['ListPullRequests', 'CreatePullRequest']);

    const duplicate = await inNewContainer('feature/a');
    expect(duplicate.res.status).toBe(409);
    expect(duplicate.res.body).toMatchObject({ code: 'CONFLICT', url: first.body.url });
    expect(duplicate.hostCalls).toEqual(['ListPullRequests', 'GetPullRequest']);

    const recorded = (await h.scanAll()).filter((item) => String(item.PK) === `T#${site.clientKey}` && String(item.SK).startsWith('PRF#'));
    expect(recorded).toHaveLength(4);
    expect(await h.uninstallSite(site)).toBe(204);
    await h.deletions.idle(); // the deletion job runs after the answer (lambdas/deletion)
    expect((await h.scanAll()).filter((item) => String(item.PK).startsWith(`T#${site.clientKey}`))).toEqual([]);
  });
});
