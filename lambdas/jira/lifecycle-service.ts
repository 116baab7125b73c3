import * as z from 'zod';
import { AppError } from '../domain/errors';
import { epochSeconds, type Clock } from '../domain/clock';
import type { TenantRecord } from '../domain/records';
import type { ApiRequest } from '../http/api-types';
import { fromZodError } from '../http/problem-response';
import { logger } from '../observability/logger';
import type { AuditStore } from '../store/audit-store';
import type { TenantStore } from '../store/tenant-store';
import type { TokenVault } from '../vault/token-vault';
import { checkExpiry, checkQsh, inspectJwt, tokenFromAuthorization, verifyAsymmetric, verifySymmetric } from './connect-jwt';
import type { InstallKeys } from './install-keys';
import type { RequestAuthenticator } from './request-authenticator';

const payloadSchema = z.object({
  key: z.string().min(1).max(200),
  clientKey: z.string().regex(/^[A-Za-z0-9:._-]{1,200}$/, 'letters, digits and :._- only'),
  sharedSecret: z.string().min(32).max(512).optional(),
  baseUrl: z.string().url().max(500),
  eventType: z.enum(['installed', 'uninstalled']),
}).loose();

export type LifecyclePayload = z.infer<typeof payloadSchema>;

export interface LifecycleOptions {
  readonly appBaseUrl: string;
  /** Accept http Jira sites (local mode and the Jira simulator only). */
  readonly allowHttpSites: boolean;
}

/**
 * Atlassian Connect install and uninstall (DESIGN §2). Callbacks are RS256-signed by Atlassian's
 * install key (aud = our base URL); a re-install may instead be HS256-signed with the *old* shared
 * secret. Anything else is refused and the stored secret stays as it was.
 */
export class LifecycleService {
  constructor(
    private readonly tenants: TenantStore,
    private readonly vault: TokenVault,
    private readonly installKeys: InstallKeys,
    private readonly authenticator: RequestAuthenticator,
    private readonly audit: AuditStore,
    private readonly clock: Clock,
    private readonly options: LifecycleOptions,
  ) {}

  async installed(request: ApiRequest): Promise<void> {
    const payload = this.#parse(request, 'installed');
    if (!payload.sharedSecret) throw new AppError('VALIDATION_FAILED', 'The install payload has no shared secret.', { errors: [{ field: 'sharedSecret', message: 'required' }] });
    const existing = await this.tenants.get(payload.clientKey);
    const signedBy = await this.#verify(request, payload, existing);
    const now = this.clock.now().toISOString();
    const ciphertext = await this.vault.encrypt(payload.sharedSecret, { tenant: payload.clientKey, purpose: 'shared-secret' });
    const tenant: TenantRecord = {
      clientKey: payload.clientKey,
      baseUrl: payload.baseUrl.replace(/\/+$/, ''),
      sharedSecretCiphertext: ciphertext,
      installedAt: existing?.installedAt ?? now,
      updatedAt: now,
      version: (existing?.version ?? 0) + 1,
    };
    try {
      await this.tenants.put(tenant, existing?.version);
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') throw new AppError('CONFLICT', 'The site was installed concurrently; retry.');
      throw error;
    }
    if (existing) {
      logger.warn('tenant re-installed: shared secret rotated', { tenant: payload.clientKey, signedBy });
      await this.audit.append(payload.clientKey, { actorAccountId: 'atlassian', action: 'tenant.reinstalled', outcome: 'success', changes: { sharedSecret: 'rotated', signedBy } });
    } else {
      logger.info('tenant installed', { tenant: payload.clientKey });
    }
  }

  async uninstalled(request: ApiRequest): Promise<void> {
    const payload = this.#parse(request, 'uninstalled');
    const existing = await this.tenants.get(payload.clientKey);
    await this.#verify(request, payload, existing);
    if (!existing) return;
    const deleted = await this.tenants.deleteEverything(payload.clientKey);
    logger.info('tenant uninstalled', { tenant: payload.clientKey, deletedItems: deleted });
  }

  #parse(request: ApiRequest, eventType: 'installed' | 'uninstalled'): LifecyclePayload {
    const parsed = payloadSchema.safeParse(request.body);
    if (!parsed.success) throw fromZodError(parsed.error);
    if (parsed.data.eventType !== eventType) throw new AppError('VALIDATION_FAILED', `This route takes the ${eventType} event.`, { errors: [{ field: 'eventType', message: `expected ${eventType}` }] });
    const url = new URL(parsed.data.baseUrl);
    if (url.protocol !== 'https:' && !this.options.allowHttpSites) throw new AppError('VALIDATION_FAILED', 'The site URL must use https.', { errors: [{ field: 'baseUrl', message: 'https only' }] });
    return parsed.data;
  }

  async #verify(request: ApiRequest, payload: LifecyclePayload, existing: TenantRecord | undefined): Promise<'install-key' | 'shared-secret'> {
    const token = tokenFromAuthorization(request.headers.authorization);
    const { header } = inspectJwt(token);
    let claims: Record<string, unknown>;
    let signedBy: 'install-key' | 'shared-secret';
    if (header.alg === 'RS256') {
      claims = verifyAsymmetric(token, await this.installKeys.publicKey(header.kid));
      const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      if (!audience.includes(this.options.appBaseUrl)) throw new AppError('UNAUTHENTICATED', 'Authentication failed: the install callback is for another app (aud).');
      signedBy = 'install-key';
    } else if (header.alg === 'HS256' && existing) {
      claims = verifySymmetric(token, (await this.authenticator.sharedSecretOf(existing)).reveal());
      signedBy = 'shared-secret';
    } else {
      throw new AppError('UNAUTHENTICATED', 'Authentication failed: lifecycle callbacks must be signed by Atlassian (RS256).');
    }
    if (claims.iss !== payload.clientKey) throw new AppError('UNAUTHENTICATED', 'Authentication failed: the token was issued for another site (iss).');
    checkExpiry(claims, epochSeconds(this.clock));
    checkQsh(claims, request, false);
    return signedBy;
  }
}
