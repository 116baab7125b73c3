import { randomBytes } from 'node:crypto';
import type { SiteInfo } from '../../simulators/jira/jira-simulator';
import { startHostSimulators, type HostSimulators, type HostWorld } from '../../local/host-worlds';
import type { HostCallOptions } from '../../lambdas/hosts/git-provider';
import { providerLookup } from '../../lambdas/hosts/provider-registry';
import type { DependencyOverrides } from '../../lambdas/wiring/dependencies';
import { publicResolver } from '../support/factories';
import { Harness } from '../support/harness';

/** Who a request is signed as: a Jira site and an Atlassian account of it. */
export interface Actor {
  readonly site: SiteInfo;
  readonly accountId: string;
}

export interface Tenant {
  readonly site: SiteInfo;
  /** Holds Jira's ADMINISTER on the site. */
  readonly admin: Actor;
}

export interface SavedToken {
  /** The body sent to `PUT /api/me/tokens/{id}`. */
  readonly body: Record<string, string>;
  /** The secret part: a PAT, or a CodeCommit secret access key. */
  readonly secret: string;
  readonly login: string;
}

/**
 * The reliability suites' common ground: the four host simulators, the API on DynamoDB Local, one
 * installed tenant with an admin, and short ways to add tenants, users, integrations and tokens.
 */
export interface ReliabilityWorld {
  readonly hosts: HostSimulators;
  readonly h: Harness;
  readonly tenant: Tenant;
  world(kind: string): HostWorld;
  installTenant(): Promise<Tenant>;
  /** A new account with VIEW_DEV_TOOLS on project PROJ. */
  newUser(prefix: string, site?: SiteInfo): Actor;
  createIntegration(w: HostWorld, requireUserPat: boolean, admin?: Actor): Promise<string>;
  /** A fresh host token for a new host login, saved through the API (expects 200). */
  saveToken(as: Actor, w: HostWorld, integrationId: string): Promise<SavedToken>;
  stop(): Promise<void>;
}

export const uniqueSuffix = (): string => randomBytes(4).toString('hex');

export interface ReliabilityWorldOptions {
  readonly overrides?: DependencyOverrides;
  /** Host call timeouts shorter than production's 3 s / 10 s, so timeouts can be tested quickly. */
  readonly hostCalls?: HostCallOptions;
}

export const startReliabilityWorld = async (options: ReliabilityWorldOptions = {}): Promise<ReliabilityWorld> => {
  const hosts = await startHostSimulators();
  const endpoints = { githubApiUrl: hosts.github.url, githubWebUrl: hosts.github.url, gitlabUrl: hosts.gitlab.url, codecommitEndpoint: hosts.codecommit.url };
  const h = await Harness.start(hosts.env, {
    // Fuzzed base URLs must never reach a real DNS server: names resolve to a documentation address.
    resolveHost: publicResolver,
    ...(options.hostCalls ? { providers: providerLookup(endpoints, options.hostCalls) } : {}),
    ...options.overrides,
  });

  const installTenant = async (): Promise<Tenant> => {
    const site = await h.installSite();
    const admin = { site, accountId: `admin-${uniqueSuffix()}` };
    h.jira.grant(site.clientKey, admin.accountId, 'ADMINISTER');
    return { site, admin };
  };
  const tenant = await installTenant();

  const world = (kind: string): HostWorld => {
    return hosts.world(kind);
  };

  const newUser = (prefix: string, site: SiteInfo = tenant.site): Actor => {
    const accountId = `${prefix}-${uniqueSuffix()}`;
    h.jira.grant(site.clientKey, accountId, 'VIEW_DEV_TOOLS', 'PROJ');
    return { site, accountId };
  };

  const createIntegration = async (w: HostWorld, requireUserPat: boolean, admin: Actor = tenant.admin): Promise<string> => {
    const res = await h.call('POST', '/api/admin/integrations', { as: admin, body: w.integrationBody(`${w.kind} ${uniqueSuffix()}`, requireUserPat) });
    if (res.status !== 201) throw new Error(`creating a ${w.kind} integration answered ${res.status}: ${res.text}`);
    return String(res.body.id);
  };

  const saveToken = async (as: Actor, w: HostWorld, integrationId: string): Promise<SavedToken> => {
    const login = `dev-${uniqueSuffix()}`;
    const token = w.userToken(login);
    const res = await h.call('PUT', `/api/me/tokens/${integrationId}`, { as, body: token.body });
    if (res.status !== 200) throw new Error(`saving a ${w.kind} token answered ${res.status}: ${res.text}`);
    return { ...token, login: String(res.body.providerLogin) };
  };

  return {
    hosts,
    h,
    tenant,
    world,
    installTenant,
    newUser,
    createIntegration,
    saveToken,
    stop: async () => {
      await h.stop();
      await hosts.stop();
    },
  };
};
