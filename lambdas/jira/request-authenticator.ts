import { AppError } from '../domain/errors';
import type { Clock } from '../domain/clock';
import type { TenantRecord } from '../domain/records';
import { Secret } from '../domain/secret';
import type { ApiRequest } from '../domain/api-request';
import { ISSUE_KEY_PATTERN } from '../domain/issue-key';
import type { TenantStore } from '../store/tenant-store';
import { tokenFromAuthorization, type ForgeInvocation, type ForgeTokenVerifier } from './forge-invocation-token';
import { TRIGGER_MODULE_TYPE } from './forge-modules';
import { ForgeJiraClient, type JiraRestClient } from './jira-rest-client';
import type { IssueLocator, PermissionChecker } from './permission-checker';

/**
 * The verified Jira user behind a request; the tenant and account come only from the token (the
 * FIT's installation and principal).
 */
export interface Caller {
  readonly tenant: TenantRecord;
  readonly accountId: string;
  /** The tenant's Jira REST API, authenticated as the app. */
  readonly jira: JiraRestClient;
  requireAdmin(): Promise<void>;
  /** VIEW_DEV_TOOLS on the project of this issue (resolved to Jira's numeric project id); 404 for an unknown issue. */
  requireProjectAccess(issueKey: string): Promise<void>;
  /** `requireProjectAccess`, answering the issue's project (id and key) once granted (docs/architecture.md §3 step 0). */
  requireProjectOf(issueKey: string): Promise<IssueProject>;
  /** The issue's project and whether the user has VIEW_DEV_TOOLS there, without refusing; 404 for an unknown issue. */
  projectAccess(issueKey: string): Promise<IssueAccess>;
}

/** The project of an issue: Jira's numeric id and its key. */
/** The issue's project, the caller's View Development Tools there, and the issue's summary and type name when Jira answered them. */
export interface IssueAccess {
  readonly project: IssueProject;
  readonly granted: boolean;
  readonly summary?: string;
  readonly issueType?: string;
}

export interface IssueProject {
  readonly id: string;
  readonly key: string;
}

export interface AuthenticateOptions {
  /**
   * The request may write: the tenant is re-read from the table instead of trusting this
   * container's cached copy, so a site uninstalled moments ago cannot write (its items would
   * never be swept again).
   */
  readonly write: boolean;
  /** The manifest modules whose FITs may call this route (the route table's `modules`). */
  readonly modules: readonly string[];
}

/** How long a container trusts its copy of a tenant for reads. */
export const SITE_CACHE_MS = 60 * 1000;

interface CachedSite {
  readonly tenant: TenantRecord;
  readonly until: number;
}

interface Identity {
  readonly tenant: TenantRecord;
  readonly accountId: string;
  readonly jira: JiraRestClient;
}

const unauthenticated = (check: string, reason: string): AppError => new AppError('UNAUTHENTICATED', `Authentication failed: ${check}: ${reason}.`, { extensions: { check } });

/**
 * Checks that a verified FIT was minted for one of the modules a route takes (docs/architecture.md
 * §2): a page's invokeRemote may name any path, so the module, not the path, says who is calling.
 */
export const requireModule = (invocation: ForgeInvocation, modules: readonly string[]): void => {
  if (!invocation.moduleKey || !modules.includes(invocation.moduleKey)) throw unauthenticated('module', 'this route does not take calls from the module the token was minted for');
};

/**
 * The request-authenticator side of the Jira platform port, Forge Remote's adapter: a Forge
 * Invocation Token from one of the route's modules, with a principal (a user), becomes a `Caller`.
 * The port (this authenticator, lambdas/jira/lifecycle-service.ts, the JiraRestClient) stays so a
 * second platform can be added again; the Atlassian Connect adapter was removed in issue 20.
 */
export class RequestAuthenticator {
  readonly #sites = new Map<string, CachedSite>();

  constructor(
    private readonly tenants: TenantStore,
    private readonly permissions: PermissionChecker,
    private readonly issues: IssueLocator,
    private readonly forge: ForgeTokenVerifier,
    private readonly clock: Clock,
  ) {}

  async authenticate(request: ApiRequest, options: AuthenticateOptions): Promise<Caller> {
    const invocation = await this.forge.verify(tokenFromAuthorization(request.headers.authorization));
    // A trigger's FIT reaches only the lifecycle route, whatever module it names.
    if (!invocation.principal || invocation.moduleType === TRIGGER_MODULE_TYPE) throw unauthenticated('principal', 'a trigger token (no user) reaches only the lifecycle route');
    requireModule(invocation, options.modules);
    const tenant = await this.#site(invocation.installationId, options.write);
    if (tenant.cloudId && invocation.cloudId && tenant.cloudId !== invocation.cloudId) throw unauthenticated('context', 'the token names another site (cloudId)');
    const systemToken = request.headers['x-forge-oauth-system'];
    if (!systemToken || systemToken.length > 8192) throw unauthenticated('system-token', 'the x-forge-oauth-system header is missing');
    return this.#caller({ tenant, accountId: invocation.principal, jira: new ForgeJiraClient(invocation.apiBaseUrl, new Secret(systemToken)) });
  }

  /** Drops this container's copy of a tenant (after an uninstall or re-install). */
  forget(clientKey: string): void {
    this.#sites.delete(clientKey);
  }

  /** The tenant, kept for a minute per container so a read costs no DynamoDB read. Unknown installations are never cached. */
  async #site(clientKey: string, fresh: boolean): Promise<TenantRecord> {
    const cached = this.#sites.get(clientKey);
    if (!fresh && cached && cached.until > this.clock.now().getTime()) return cached.tenant;
    const tenant = await this.tenants.get(clientKey);
    if (!tenant) {
      this.#sites.delete(clientKey);
      throw unauthenticated('installation', 'the installation is not an installed Jira site of this app');
    }
    if (this.#sites.size > 10_000) this.#sites.clear();
    this.#sites.set(clientKey, { tenant, until: this.clock.now().getTime() + SITE_CACHE_MS });
    return tenant;
  }

  #caller(identity: Identity): Caller {
    const { permissions, issues } = this;
    const { tenant, accountId, jira } = identity;
    const projectAccess = async (issueKey: string): Promise<IssueAccess> => {
      const match = ISSUE_KEY_PATTERN.exec(issueKey);
      if (!match?.[1]) throw new AppError('VALIDATION_FAILED', 'The issue key is not valid.', { errors: [{ field: 'issueKey', message: 'expected a key like ABC-123' }] });
      const location = await issues.locate(tenant.clientKey, jira, issueKey);
      if (!location) throw new AppError('NOT_FOUND', `Issue ${issueKey} was not found.`);
      const project = { id: location.projectId, key: location.projectKey ?? match[1] };
      const granted = await permissions.has({ tenant: tenant.clientKey, jira, accountId, permission: 'VIEW_DEV_TOOLS', projectId: location.projectId });
      return { project, granted, ...(location.summary === undefined ? {} : { summary: location.summary }), ...(location.issueType === undefined ? {} : { issueType: location.issueType }) };
    };
    const requireProjectOf = async (issueKey: string): Promise<IssueProject> => {
      const { project, granted } = await projectAccess(issueKey);
      if (!granted) {
        throw new AppError('FORBIDDEN', `You need View Development Tools in ${project.key}.`, { extensions: { reason: 'missing-permission', projectKey: project.key } });
      }
      return project;
    };
    return {
      ...identity,
      async requireAdmin() {
        if (!(await permissions.has({ tenant: tenant.clientKey, jira, accountId, permission: 'ADMINISTER' }))) {
          throw new AppError('FORBIDDEN', 'This needs Jira administrator rights.');
        }
      },
      async requireProjectAccess(issueKey: string) {
        await requireProjectOf(issueKey);
      },
      requireProjectOf,
      projectAccess,
    };
  }
}
