import { AppError } from '../domain/errors';
import { epochSeconds, type Clock } from '../domain/clock';
import type { JiraPlatformKind, TenantRecord } from '../domain/records';
import { Secret } from '../domain/secret';
import type { ApiRequest } from '../domain/api-request';
import { ISSUE_KEY_PATTERN } from '../domain/issue-key';
import type { TenantStore } from '../store/tenant-store';
import type { TokenVault } from '../vault/token-vault';
import { checkExpiry, checkQsh, inspectJwt, rawQueryOf, tokenFromAuthorization, verifySymmetric } from './connect-jwt';
import { looksLikeForgeToken, type ForgeTokenVerifier } from './forge-invocation-token';
import { ConnectJiraClient, ForgeJiraClient, type JiraRestClient } from './jira-rest-client';
import type { IssueLocator, PermissionChecker } from './permission-checker';

/**
 * The verified Jira user behind a request; the tenant and account come only from the token
 * (Forge: the FIT's installation and principal; Connect: the JWT's iss and sub).
 */
export interface Caller {
  readonly tenant: TenantRecord;
  readonly accountId: string;
  /** Which platform authenticated the request (informational; services never branch on it). */
  readonly platform: JiraPlatformKind;
  readonly contextQsh: boolean;
  /** The tenant's Jira REST API, authenticated as the app. */
  readonly jira: JiraRestClient;
  requireAdmin(): Promise<void>;
  /** VIEW_DEV_TOOLS on the project of this issue (resolved to Jira's numeric project id); 404 for an unknown issue. */
  requireProjectAccess(issueKey: string): Promise<void>;
  /** `requireProjectAccess`, answering the issue's project (id and key) once granted (docs/architecture.md §3 step 0). */
  requireProjectOf(issueKey: string): Promise<IssueProject>;
  /** The issue's project and whether the user has VIEW_DEV_TOOLS there, without refusing; 404 for an unknown issue. */
  projectAccess(issueKey: string): Promise<{ readonly project: IssueProject; readonly granted: boolean }>;
}

/** The project of an issue: Jira's numeric id and its key. */
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
}

/** How long a container trusts its copy of a tenant for reads. */
export const SITE_CACHE_MS = 60 * 1000;
/** A bad signature with a known issuer re-reads the tenant (a re-install may have rotated the secret) at most this often. */
export const SECRET_REREAD_INTERVAL_MS = 10 * 1000;

interface CachedSite {
  readonly tenant: TenantRecord;
  /** Connect only. */
  readonly secret: Secret | undefined;
  readonly until: number;
}

interface Identity {
  readonly tenant: TenantRecord;
  readonly accountId: string;
  readonly platform: JiraPlatformKind;
  readonly contextQsh: boolean;
  readonly jira: JiraRestClient;
}

const unauthenticated = (reason: string): AppError => new AppError('UNAUTHENTICATED', `Authentication failed: ${reason}.`);

/**
 * The request-authenticator side of the Jira platform port: a Forge Invocation Token goes to the
 * Forge adapter, anything else to the Connect adapter; both yield the same `Caller`.
 */
export class RequestAuthenticator {
  readonly #sites = new Map<string, CachedSite>();
  readonly #lastReread = new Map<string, number>();

  constructor(
    private readonly tenants: TenantStore,
    private readonly vault: TokenVault,
    private readonly permissions: PermissionChecker,
    private readonly issues: IssueLocator,
    private readonly forge: ForgeTokenVerifier,
    private readonly clock: Clock,
    private readonly appKey: string,
  ) {}

  async authenticate(request: ApiRequest, options: AuthenticateOptions = { write: false }): Promise<Caller> {
    const token = tokenFromAuthorization(request.headers.authorization);
    const { claims } = inspectJwt(token);
    const identity = looksLikeForgeToken(claims) ? await this.#forge(request, token, options) : await this.#connect(request, token, claims, options);
    return this.#caller(identity);
  }

  /** Drops this container's copy of a tenant (after an uninstall or re-install). */
  forget(clientKey: string): void {
    this.#sites.delete(clientKey);
  }

  async #forge(request: ApiRequest, token: string, options: AuthenticateOptions): Promise<Identity> {
    const invocation = await this.forge.verify(token);
    if (!invocation.principal) throw unauthenticated('principal: a trigger token (no user) reaches only the lifecycle routes');
    const site = await this.#site(invocation.installationId, options.write);
    if (site.tenant.platform !== 'forge') throw unauthenticated('installation: the installation is not a Forge installation of this app');
    if (site.tenant.cloudId && invocation.cloudId && site.tenant.cloudId !== invocation.cloudId) throw unauthenticated('context (cloudId): the token names another site');
    const systemToken = request.headers['x-forge-oauth-system'];
    if (!systemToken || systemToken.length > 8192) throw unauthenticated('app system token: the x-forge-oauth-system header is missing');
    return {
      tenant: site.tenant,
      accountId: invocation.principal,
      platform: 'forge',
      contextQsh: false,
      jira: new ForgeJiraClient(invocation.apiBaseUrl, new Secret(systemToken)),
    };
  }

  async #connect(request: ApiRequest, token: string, claims: Record<string, unknown>, options: AuthenticateOptions): Promise<Identity> {
    if (inspectJwt(token).header.alg !== 'HS256') throw unauthenticated('only HS256 tokens are accepted');
    const issuer = claims.iss;
    if (typeof issuer !== 'string' || issuer.length === 0 || issuer.length > 255) throw unauthenticated('the token has no issuer (iss)');
    let site = await this.#site(issuer, options.write);
    if (!site.secret) throw unauthenticated('the issuer is not a Connect installation');
    let verified: Record<string, unknown>;
    try {
      verified = verifySymmetric(token, site.secret.reveal());
    } catch (error) {
      // A cached secret may predate a re-install: verify once more against the stored one, but
      // re-read at most once per interval per issuer, so bad signatures cannot drive reads.
      if (!site.cached || !this.#mayReread(issuer)) throw error;
      site = await this.#site(issuer, true);
      if (!site.secret) throw error;
      verified = verifySymmetric(token, site.secret.reveal());
    }
    checkExpiry(verified, epochSeconds(this.clock));
    // Connect pages can only obtain context tokens; every /api route is called by the app's pages.
    const contextQsh = checkQsh(verified, { method: request.method, path: request.path, rawQuery: request.rawQuery ?? rawQueryOf(request.query) }, true);
    const accountId = verified.sub;
    if (typeof accountId !== 'string' || !/^[A-Za-z0-9:_-]{1,128}$/.test(accountId)) throw unauthenticated('the token names no Atlassian account (sub)');
    return {
      tenant: site.tenant,
      accountId,
      platform: 'connect',
      contextQsh,
      jira: new ConnectJiraClient(site.tenant.baseUrl, this.appKey, site.secret, this.clock),
    };
  }

  #mayReread(issuer: string): boolean {
    const now = this.clock.now().getTime();
    const last = this.#lastReread.get(issuer);
    if (last !== undefined && now - last < SECRET_REREAD_INTERVAL_MS) return false;
    if (this.#lastReread.size > 10_000) this.#lastReread.clear();
    this.#lastReread.set(issuer, now);
    return true;
  }

  /**
   * The tenant (and, for Connect, its decrypted secret), kept for a minute per container so a read
   * costs neither a DynamoDB read nor a KMS call. Unknown issuers are never cached.
   */
  async #site(clientKey: string, fresh: boolean): Promise<CachedSite & { cached: boolean }> {
    const cached = this.#sites.get(clientKey);
    if (!fresh && cached && cached.until > this.clock.now().getTime()) return { ...cached, cached: true };
    const tenant = await this.tenants.get(clientKey);
    if (!tenant) {
      this.#sites.delete(clientKey);
      throw unauthenticated('the issuer is not an installed Jira site');
    }
    const secret =
      tenant.platform === 'forge' || !tenant.sharedSecretCiphertext
        ? undefined
        : cached?.secret && cached.tenant.version === tenant.version
          ? cached.secret
          : await this.vault.decrypt(tenant.sharedSecretCiphertext, { tenant: tenant.clientKey, purpose: 'shared-secret' });
    const entry = { tenant, secret, until: this.clock.now().getTime() + SITE_CACHE_MS };
    if (this.#sites.size > 10_000) this.#sites.clear();
    this.#sites.set(clientKey, entry);
    return { ...entry, cached: false };
  }

  #caller(identity: Identity): Caller {
    const { permissions, issues } = this;
    const { tenant, accountId, jira } = identity;
    const projectAccess = async (issueKey: string): Promise<{ project: IssueProject; granted: boolean }> => {
      const match = ISSUE_KEY_PATTERN.exec(issueKey);
      if (!match?.[1]) throw new AppError('VALIDATION_FAILED', 'The issue key is not valid.', { errors: [{ field: 'issueKey', message: 'expected a key like ABC-123' }] });
      const location = await issues.locate(tenant.clientKey, jira, issueKey);
      if (!location) throw new AppError('NOT_FOUND', `Issue ${issueKey} was not found.`);
      const project = { id: location.projectId, key: location.projectKey ?? match[1] };
      const granted = await permissions.has({ tenant: tenant.clientKey, jira, accountId, permission: 'VIEW_DEV_TOOLS', projectId: location.projectId });
      return { project, granted };
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
