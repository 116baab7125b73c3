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

/** Decrypted shared secrets are kept for a few minutes, so a request costs no KMS call. */
const SECRET_CACHE_MS = 5 * 60 * 1000;

export class RequestAuthenticator {
  readonly #secrets = new Map<string, { secret: Secret; version: number; until: number }>();

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
    const tenant = await this.tenants.get(issuer);
    if (!tenant) throw new AppError('UNAUTHENTICATED', 'Authentication failed: the issuer is not an installed Jira site.');
    const secret = await this.sharedSecretOf(tenant);
    const verified = verifySymmetric(token, secret.reveal());
    checkExpiry(verified, epochSeconds(this.clock));
    const contextQsh = checkQsh(verified, request, allowContextQsh);
    const accountId = verified.sub;
    if (typeof accountId !== 'string' || !/^[A-Za-z0-9:_-]{1,128}$/.test(accountId)) {
      throw new AppError('UNAUTHENTICATED', 'Authentication failed: the token names no Atlassian account (sub).');
    }
    return this.#caller(tenant, secret, accountId, contextQsh);
  }

  async sharedSecretOf(tenant: TenantRecord): Promise<Secret> {
    const now = this.clock.now().getTime();
    const cached = this.#secrets.get(tenant.clientKey);
    if (cached && cached.version === tenant.version && cached.until > now) return cached.secret;
    const secret = await this.vault.decrypt(tenant.sharedSecretCiphertext, { tenant: tenant.clientKey, purpose: 'shared-secret' });
    this.#secrets.set(tenant.clientKey, { secret, version: tenant.version, until: now + SECRET_CACHE_MS });
    return secret;
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
