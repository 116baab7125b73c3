import type { SiteInfo } from '../../simulators/jira/jira-simulator';
import { startHostSimulators, type HostSimulators, type HostWorld } from '../../local/host-worlds';
import type { DependencyOverrides } from '../../lambdas/wiring/dependencies';
import { Harness, moduleForPath } from '../support/harness';

export interface BenchUser {
  readonly as: { readonly site: SiteInfo; readonly accountId: string };
  /** The user's login on the host (also their Atlassian account id here). */
  readonly login: string;
}

export const ISSUE_KEY = 'PROJ-1';

/**
 * The API on loopback with the four host simulators, one installed Jira site and its admin: the
 * story of test/integration/git-actions-story.test.ts, set up once per benchmark.
 */
export class BenchSite {
  #users = 0;

  private constructor(
    readonly hosts: HostSimulators,
    readonly harness: Harness,
    readonly site: SiteInfo,
    readonly admin: BenchUser,
  ) {}

  static async start(overrides: DependencyOverrides = {}): Promise<BenchSite> {
    const hosts = await startHostSimulators();
    const harness = await Harness.start(hosts.env, overrides);
    const site = await harness.installSite();
    harness.jira.grant(site.clientKey, 'bench-admin', 'ADMINISTER');
    return new BenchSite(hosts, harness, site, { as: { site, accountId: 'bench-admin' }, login: 'bench-admin' });
  }

  async stop(): Promise<void> {
    await this.harness.stop();
    await this.hosts.stop();
  }

  world(kind: string): HostWorld {
    return this.hosts.world(kind);
  }

  async createIntegration(world: HostWorld, requireUserPat: boolean): Promise<string> {
    const name = `${world.kind} ${requireUserPat ? 'pat' : 'svc'} ${this.#users}`;
    const res = await this.harness.call('POST', '/api/admin/integrations', { as: this.admin.as, body: world.integrationBody(name, requireUserPat) });
    if (res.status !== 201) throw new Error(`create integration ${world.kind}: ${res.status} ${res.text}`);
    return String(res.body.id);
  }

  /** A user with View Development Tools on PROJ and, if asked, their own token saved for the integration. */
  async newUser(world: HostWorld, integrationId: string, saveToken: boolean): Promise<BenchUser> {
    this.#users += 1;
    const login = `bench-${world.kind.replace(/\W/g, '')}-${this.#users}`;
    this.harness.jira.grant(this.site.clientKey, login, 'VIEW_DEV_TOOLS', 'PROJ');
    const user = { as: { site: this.site, accountId: login }, login };
    if (!saveToken) return user;
    const saved = await this.harness.call('PUT', `/api/me/tokens/${integrationId}`, { as: user.as, body: world.userToken(login).body });
    if (saved.status !== 200) throw new Error(`save token ${world.kind}: ${saved.status} ${saved.text}`);
    return user;
  }

  /** The headers Forge attaches to this user's requests from the page that calls `path` (FIT and app system token), valid `seconds`. */
  forgeHeaders(user: BenchUser, path: string, seconds = 900): Record<string, string> {
    return this.harness.jira.forgeHeaders(this.site.clientKey, user.login, { moduleKey: moduleForPath(path), expiresInSeconds: seconds });
  }

  branchBody(world: HostWorld, integrationId: string, branchName: string): Record<string, string> {
    return { integrationId, repositoryId: world.repositoryId, issueKey: ISSUE_KEY, branchName, fromRef: world.defaultBranch };
  }
}
