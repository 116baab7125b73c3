import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { AppError } from '../domain/errors';
import { epochSeconds, type Clock } from '../domain/clock';
import type { TenantRecord } from '../domain/records';
import { Secret } from '../domain/secret';
import type { ApiRequest } from '../domain/api-request';
import { fromZodError } from '../domain/zod-errors';
import { logger } from '../observability/logger';
import type { AuditStore } from '../store/audit-store';
import type { TenantStore } from '../store/tenant-store';
import type { TokenVault } from '../vault/token-vault';
import { checkExpiry, checkQsh, inspectJwt, rawQueryOf, tokenFromAuthorization, verifyAsymmetric } from './connect-jwt';
import type { ForgeInvocation, ForgeTokenVerifier } from './forge-invocation-token';
import type { InstallKeys } from './install-keys';
import { ForgeJiraClient } from './jira-rest-client';
import type { RequestAuthenticator } from './request-authenticator';
import type { TenantDeletionJob } from '../deletion/deletion-job';
import type { DeletionQueue } from '../deletion/deletion-queue';
import type { DeletionStore } from '../store/deletion-store';

const connectPayloadSchema = z.object({
  key: z.string().min(1).max(200),
  clientKey: z.string().regex(/^[A-Za-z0-9:._-]{1,200}$/, 'letters, digits and :._- only'),
  sharedSecret: z.string().min(32).max(512).optional(),
  baseUrl: z.string().url().max(500),
  eventType: z.enum(['installed', 'uninstalled']),
}).loose();

export type LifecyclePayload = z.infer<typeof connectPayloadSchema>;

/**
 * A Forge lifecycle event as delivered to a remote endpoint (manifest `trigger` with `endpoint`):
 * https://developer.atlassian.com/platform/forge/events-reference/life-cycle/ — `id` is the
 * installation, `app` the app and version, `context` the site ARI; the FIT says which installation.
 */
export const FORGE_LIFECYCLE_EVENTS = ['avi:forge:installed:app', 'avi:forge:upgraded:app', 'avi:forge:uninstalled:app'] as const;
export type ForgeLifecycleEvent = (typeof FORGE_LIFECYCLE_EVENTS)[number];

const forgeEventSchema = z.object({
  eventType: z.enum(FORGE_LIFECYCLE_EVENTS),
  id: z.string().max(200).optional(),
  app: z.object({ id: z.string().max(200).optional(), version: z.string().max(50).optional() }).loose().optional(),
  context: z.string().max(300).optional(),
}).loose();

export interface LifecycleOptions {
  readonly appBaseUrl: string;
  /** Accept http Jira sites (local mode and the Jira simulator only). */
  readonly allowHttpSites: boolean;
  /** The uninstall's second pass runs this long after the uninstall (longer than any container's tenant cache). */
  readonly secondPassDelayMs: number;
}

const unauthenticated = (reason: string): AppError => new AppError('UNAUTHENTICATED', `Authentication failed: ${reason}.`);

/**
 * The lifecycle side of the Jira platform port, for both adapters. Every callback is
 * authenticated before its body is even parsed (an unsigned call learns nothing of the schema).
 * - Connect: `installed`/`uninstalled` must be RS256-signed by Atlassian's install key (signed
 *   install), `aud` = our base URL, `iss` = the body's clientKey. HS256 is never accepted here: a
 *   shared-secret holder could otherwise re-install the site with a new secret and base URL.
 * - Forge: installed/upgraded/uninstalled events, authenticated by their FIT (a trigger: no
 *   principal); the tenant is the FIT's installation. Forge retries events, so each is idempotent.
 * Uninstall answers after O(1) writes whatever the site holds: one transaction deletes the tenant
 * item and writes the tenant's deletion marker, and a deletion job is enqueued; the deletion worker
 * (lambdas/deletion) deletes the rest in resumable steps, sweeps again after the tenant-cache
 * lifetime (writes that raced the uninstall in a container still trusting its cached tenant),
 * verifies nothing is left, and removes the marker. While the marker exists an install of the same
 * site is refused with 503 DELETION_IN_PROGRESS and Retry-After (store/tenant-store.ts put).
 */
export class LifecycleService {
  constructor(
    private readonly tenants: TenantStore,
    private readonly vault: TokenVault,
    private readonly installKeys: InstallKeys,
    private readonly forgeTokens: ForgeTokenVerifier,
    private readonly authenticator: RequestAuthenticator,
    private readonly audit: AuditStore,
    private readonly deletions: DeletionStore,
    private readonly queue: DeletionQueue,
    private readonly clock: Clock,
    private readonly options: LifecycleOptions,
  ) {}

  async installed(request: ApiRequest): Promise<void> {
    const issuer = await this.#verifyConnect(request);
    const payload = this.#parseConnect(request, 'installed', issuer);
    if (!payload.sharedSecret) throw new AppError('VALIDATION_FAILED', 'The install payload has no shared secret.', { errors: [{ field: 'sharedSecret', message: 'required' }] });
    const existing = await this.tenants.get(payload.clientKey);
    if (existing?.platform === 'forge') throw new AppError('CONFLICT', 'This installation belongs to Forge.');
    const now = this.clock.now().toISOString();
    const ciphertext = await this.vault.encrypt(payload.sharedSecret, { tenant: payload.clientKey, purpose: 'shared-secret' });
    const tenant: TenantRecord = {
      clientKey: payload.clientKey,
      baseUrl: payload.baseUrl.replace(/\/+$/, ''),
      platform: 'connect',
      sharedSecretCiphertext: ciphertext,
      installedAt: existing?.installedAt ?? now,
      updatedAt: now,
      version: (existing?.version ?? 0) + 1,
    };
    await this.tenants.put(tenant, existing?.version);
    this.authenticator.forget(payload.clientKey);
    if (existing) {
      logger.warn('tenant re-installed: shared secret rotated', { tenant: payload.clientKey });
      await this.audit.append(payload.clientKey, { actorAccountId: 'atlassian', action: 'tenant.reinstalled', outcome: 'success', changes: { sharedSecret: 'rotated', signedBy: 'install-key' } });
    } else {
      logger.info('tenant installed', { tenant: payload.clientKey, platform: 'connect' });
    }
  }

  async uninstalled(request: ApiRequest): Promise<void> {
    const issuer = await this.#verifyConnect(request);
    const payload = this.#parseConnect(request, 'uninstalled', issuer);
    const existing = await this.tenants.get(payload.clientKey);
    if (!existing) return this.#resumeUninstall(payload.clientKey);
    if (existing.platform === 'forge') return;
    await this.#uninstall(payload.clientKey);
  }

  /** `POST /lifecycle/forge`: the manifest's lifecycle trigger. */
  async forgeEvent(request: ApiRequest): Promise<void> {
    const invocation = await this.forgeTokens.verify(tokenFromAuthorization(request.headers.authorization));
    const parsed = forgeEventSchema.safeParse(request.body);
    if (!parsed.success) throw fromZodError(parsed.error);
    const event = parsed.data;
    const clientKey = invocation.installationId;
    const existing = await this.tenants.get(clientKey);
    if (existing && existing.platform !== 'forge') throw new AppError('CONFLICT', 'This installation belongs to Connect.');
    if (event.eventType === 'avi:forge:uninstalled:app') {
      if (existing) await this.#uninstall(clientKey);
      else await this.#resumeUninstall(clientKey);
      return;
    }
    const baseUrl = await this.#siteUrl(request, invocation, existing);
    const now = this.clock.now().toISOString();
    const tenant: TenantRecord = {
      clientKey,
      baseUrl,
      platform: 'forge',
      cloudId: invocation.cloudId ?? existing?.cloudId,
      forgeAppId: invocation.appId.replace(/^ari:cloud:ecosystem::app\//, ''),
      forgeEnvironmentId: invocation.environmentId ?? existing?.forgeEnvironmentId,
      installedAt: existing?.installedAt ?? now,
      updatedAt: now,
      version: (existing?.version ?? 0) + 1,
    };
    const unchanged = existing && existing.baseUrl === tenant.baseUrl && existing.cloudId === tenant.cloudId && existing.forgeEnvironmentId === tenant.forgeEnvironmentId && existing.forgeAppId === tenant.forgeAppId;
    if (unchanged) return; // a retried delivery
    await this.tenants.put(tenant, existing?.version);
    this.authenticator.forget(clientKey);
    logger.info(existing ? 'tenant upgraded' : 'tenant installed', { tenant: clientKey, platform: 'forge', event: event.eventType });
  }

  async #uninstall(clientKey: string): Promise<void> {
    const job = this.#job(clientKey, randomBytes(16).toString('hex'));
    await this.deletions.beginTenantDeletion(clientKey, { jobId: job.jobId, requestedAt: this.clock.now().toISOString() });
    this.authenticator.forget(clientKey);
    await this.queue.send(job);
    logger.info('tenant uninstalled; its data is being deleted', { tenant: clientKey, jobId: job.jobId });
  }

  /**
   * A repeated uninstall of a site already gone: if its deletion marker is there, the job is
   * enqueued again (the first enqueue may have failed after the marker was written; a duplicate
   * job of the same marker only repeats idempotent deletes).
   */
  async #resumeUninstall(clientKey: string): Promise<void> {
    const marker = await this.deletions.tenantMarker(clientKey);
    if (!marker) return;
    await this.queue.send(this.#job(clientKey, marker.jobId));
    logger.info('uninstall repeated while its deletion runs: job enqueued again', { tenant: clientKey, jobId: marker.jobId });
  }

  #job(clientKey: string, jobId: string): TenantDeletionJob {
    const now = Date.now();
    return { kind: 'tenant', jobId, tenant: clientKey, pass: 1, phase: 'users', deleted: 0, startedAt: now, notBefore: now + this.options.secondPassDelayMs };
  }

  /**
   * The site's own URL, for links into Jira. Forge events name the site only by cloud id, so ask
   * Jira (`GET /rest/api/3/serverInfo`, no scope needed) with the app system token; keep what we
   * had when Jira cannot tell (links then fall back to site-relative paths).
   */
  async #siteUrl(request: ApiRequest, invocation: ForgeInvocation, existing: TenantRecord | undefined): Promise<string> {
    const systemToken = request.headers['x-forge-oauth-system'];
    if (systemToken && systemToken.length <= 8192) {
      try {
        const answer = await new ForgeJiraClient(invocation.apiBaseUrl, new Secret(systemToken)).send('GET', '/rest/api/3/serverInfo');
        const baseUrl = (answer.body as { baseUrl?: unknown } | undefined)?.baseUrl;
        if (answer.status === 200 && typeof baseUrl === 'string' && this.#acceptableSite(baseUrl)) return baseUrl.replace(/\/+$/, '');
      } catch (error) {
        logger.warn('serverInfo failed during a Forge lifecycle event', { tenant: invocation.installationId, error: (error as Error).message });
      }
    }
    return existing?.baseUrl ?? '';
  }

  #acceptableSite(value: string): boolean {
    try {
      const url = new URL(value);
      return url.protocol === 'https:' || (this.options.allowHttpSites && url.protocol === 'http:');
    } catch {
      return false;
    }
  }

  #parseConnect(request: ApiRequest, eventType: 'installed' | 'uninstalled', issuer: string): LifecyclePayload {
    const parsed = connectPayloadSchema.safeParse(request.body);
    if (!parsed.success) throw fromZodError(parsed.error);
    if (parsed.data.eventType !== eventType) throw new AppError('VALIDATION_FAILED', `This route takes the ${eventType} event.`, { errors: [{ field: 'eventType', message: `expected ${eventType}` }] });
    if (parsed.data.clientKey !== issuer) throw unauthenticated('the token was issued for another site (iss)');
    const url = new URL(parsed.data.baseUrl);
    if (url.protocol !== 'https:' && !this.options.allowHttpSites) throw new AppError('VALIDATION_FAILED', 'The site URL must use https.', { errors: [{ field: 'baseUrl', message: 'https only' }] });
    return parsed.data;
  }

  /** Signature (RS256, Atlassian's install key), audience, expiry and qsh; returns the verified issuer. */
  async #verifyConnect(request: ApiRequest): Promise<string> {
    const token = tokenFromAuthorization(request.headers.authorization);
    const { header } = inspectJwt(token);
    if (header.alg !== 'RS256') throw unauthenticated('lifecycle callbacks must be signed by Atlassian (RS256)');
    const claims = verifyAsymmetric(token, await this.installKeys.publicKey(header.kid));
    const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audience.includes(this.options.appBaseUrl)) throw unauthenticated('the install callback is for another app (aud)');
    if (typeof claims.iss !== 'string' || claims.iss.length === 0) throw unauthenticated('the install callback names no site (iss)');
    checkExpiry(claims, epochSeconds(this.clock));
    checkQsh(claims, { method: request.method, path: request.path, rawQuery: request.rawQuery ?? rawQueryOf(request.query) }, false);
    return claims.iss;
  }
}
