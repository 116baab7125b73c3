import { AppError } from '../domain/errors';
import { epochSeconds, type Clock } from '../domain/clock';
import type { TenantRecord } from '../domain/records';
import type { Secret } from '../domain/secret';
import type { ApiRequest } from '../http/api-types';
import type { TenantStore } from '../store/tenant-store';
import type { TokenVault } from '../vault/token-vault';
import { checkExpiry, checkQsh, inspectJwt, tokenFromAuthorization, verifySymmetric } from './connect-jwt';
import type { PermissionChecker } from './permission-checker';

/** The verified Jira user behind a request; the tenant and account come only from the JWT. */
export interface Caller {
  readonly tenant: TenantRecord;
  readonly accountId: string;
  readonly contextQsh: boolean;
  requireAdmin(): Promise<void>;
  /** VIEW_DEV_TOOLS on the project of this issue key (e.g. `ABC-123` → `ABC`). */
  requireProjectAccess(issueKey: string): Promise<void>;
}

export const ISSUE_KEY_PATTERN = /^([A-Z][A-Z0-9_]{0,49})-([1-9][0-9]{0,9})$/;

/** How long a container trusts its copy of a tenant (an uninstall's data is gone at once regardless). */
const SITE_CACHE_MS = 60 * 1000;

interface CachedSite {
  readonly tenant: TenantRecord;
  readonly secret: Secret;
  readonly until: number;
}

export class RequestAuthenticator {
  readonly #sites = new Map<string, CachedSite>();

  constructor(
    private readonly tenants: TenantStore,
    private readonly vault: TokenVault,
    private readonly permissions: PermissionChecker,
    private readonly clock: Clock,
  ) {}

  async authenticate(request: ApiRequest, allowContextQsh: boolean): Promise<Caller> {
    const token = tokenFromAuthorization(request.headers.authorization);
    const { header, claims } = inspectJwt(token);
    if (header.alg !== 'HS256') throw new AppError('UNAUTHENTICATED', 'Authentication failed: only HS256 tokens are accepted.');
    const issuer = claims.iss;
    if (typeof issuer !== 'string' || issuer.length === 0 || issuer.length > 255) {
      throw new AppError('UNAUTHENTICATED', 'Authentication failed: the token has no issuer (iss).');
    }
    let site = await this.#site(issuer, false);
    let verified: Record<string, unknown>;
    try {
      verified = verifySymmetric(token, site.secret.reveal());
    } catch (error) {
      // A cached secret may predate a re-install: verify once more against the stored one.
      if (!site.cached) throw error;
      site = await this.#site(issuer, true);
      verified = verifySymmetric(token, site.secret.reveal());
    }
    checkExpiry(verified, epochSeconds(this.clock));
    const contextQsh = checkQsh(verified, request, allowContextQsh);
    const accountId = verified.sub;
    if (typeof accountId !== 'string' || !/^[A-Za-z0-9:_-]{1,128}$/.test(accountId)) {
      throw new AppError('UNAUTHENTICATED', 'Authentication failed: the token names no Atlassian account (sub).');
    }
    return this.#caller(site.tenant, site.secret, accountId, contextQsh);
  }

  async sharedSecretOf(tenant: TenantRecord): Promise<Secret> {
    const cached = this.#sites.get(tenant.clientKey);
    if (cached && cached.tenant.version === tenant.version && cached.until > this.clock.now().getTime()) return cached.secret;
    return (await this.#remember(tenant)).secret;
  }

  /**
   * The tenant and its decrypted secret, kept for a few minutes per container so a request costs
   * neither a DynamoDB read nor a KMS call. Unknown issuers are never cached.
   */
  async #site(clientKey: string, fresh: boolean): Promise<CachedSite & { cached: boolean }> {
    const cached = this.#sites.get(clientKey);
    if (!fresh && cached && cached.until > this.clock.now().getTime()) return { ...cached, cached: true };
    const tenant = await this.tenants.get(clientKey);
    if (!tenant) {
      this.#sites.delete(clientKey);
      throw new AppError('UNAUTHENTICATED', 'Authentication failed: the issuer is not an installed Jira site.');
    }
    return { ...(await this.#remember(tenant)), cached: false };
  }

  async #remember(tenant: TenantRecord): Promise<CachedSite> {
    const cached = this.#sites.get(tenant.clientKey);
    const secret =
      cached && cached.tenant.version === tenant.version
        ? cached.secret
        : await this.vault.decrypt(tenant.sharedSecretCiphertext, { tenant: tenant.clientKey, purpose: 'shared-secret' });
    const entry = { tenant, secret, until: this.clock.now().getTime() + SITE_CACHE_MS };
    this.#sites.set(tenant.clientKey, entry);
    return entry;
  }

  #caller(tenant: TenantRecord, sharedSecret: Secret, accountId: string, contextQsh: boolean): Caller {
    const permissions = this.permissions;
    const base = { clientKey: tenant.clientKey, baseUrl: tenant.baseUrl, sharedSecret, accountId };
    return {
      tenant,
      accountId,
      contextQsh,
      async requireAdmin() {
        if (!(await permissions.has({ ...base, permission: 'ADMINISTER' }))) {
          throw new AppError('FORBIDDEN', 'This needs Jira administrator rights.');
        }
      },
      async requireProjectAccess(issueKey: string) {
        const match = ISSUE_KEY_PATTERN.exec(issueKey);
        if (!match?.[1]) throw new AppError('VALIDATION_FAILED', 'The issue key is not valid.', { errors: [{ field: 'issueKey', message: 'expected a key like ABC-123' }] });
        if (!(await permissions.has({ ...base, permission: 'VIEW_DEV_TOOLS', projectKey: match[1] }))) {
          throw new AppError('FORBIDDEN', `This needs the View Development Tools permission in project ${match[1]}.`);
        }
      },
    };
  }
}
