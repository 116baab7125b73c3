import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { AppError } from '../domain/errors';
import type { Clock } from '../domain/clock';
import type { TenantRecord } from '../domain/records';
import type { ApiRequest } from '../domain/api-request';
import { fromZodError } from '../domain/zod-errors';
import { logger } from '../observability/logger';
import type { TenantStore } from '../store/tenant-store';
import { environmentKeyOf, tokenFromAuthorization, type ForgeInvocation, type ForgeTokenVerifier } from './forge-invocation-token';
import { TRIGGER_MODULE_TYPE } from './forge-modules';
import { requireModule, type RequestAuthenticator } from './request-authenticator';
import type { TenantDeletionJob } from '../deletion/deletion-job';
import type { DeletionQueue } from '../deletion/deletion-queue';
import type { DeletionStore } from '../store/deletion-store';

/**
 * A Forge lifecycle event as delivered to a remote endpoint (manifest `trigger` with `endpoint`):
 * https://developer.atlassian.com/platform/forge/events-reference/life-cycle/ — `id` is the
 * installation, `app` the app and version, `context` the site ARI; the FIT says which installation.
 */
export const FORGE_LIFECYCLE_EVENTS = ['avi:forge:installed:app', 'avi:forge:upgraded:app', 'avi:forge:uninstalled:app'] as const;
export type ForgeLifecycleEvent = (typeof FORGE_LIFECYCLE_EVENTS)[number];

const forgeEventSchema = z.object({
  eventType: z.enum(FORGE_LIFECYCLE_EVENTS),
  id: z.string().max(1000).optional(),
  app: z.object({ id: z.string().max(1000).optional() }).loose().optional(),
  environment: z.object({ id: z.string().max(1000).optional() }).loose().optional(),
  context: z.string().max(1000).optional(),
}).loose();

type ForgeEventBody = z.infer<typeof forgeEventSchema>;

export interface LifecycleOptions {
  /** The uninstall's second pass runs this long after the uninstall (longer than any container's tenant cache). */
  readonly secondPassDelayMs: number;
}

const unauthenticated = (check: string, reason: string): AppError => new AppError('UNAUTHENTICATED', `Authentication failed: ${check}: ${reason}.`, { extensions: { check } });

/** The last segment of an ARI (`ari:cloud:ecosystem::installation/<uuid>` → `<uuid>`), or the value itself. */
const lastSegment = (value: string): string => value.slice(value.lastIndexOf('/') + 1);

/**
 * The lifecycle side of the Jira platform port (Forge): installed/upgraded/uninstalled events from
 * the manifest's lifecycle trigger, authenticated by their FIT before the body is even parsed (an
 * unauthenticated caller learns nothing of the schema). Only a trigger invocation is taken: a FIT
 * with no principal, minted for the lifecycle trigger module (`core:trigger`); a page's FIT naming
 * this path is refused (docs/architecture.md §2). The tenant is the FIT's installation, and a body
 * naming another installation, site, app or environment is refused. Forge gives the remote 5 s and
 * retries 4 times (https://developer.atlassian.com/platform/forge/remote/essentials/), so each event
 * is idempotent and installed/upgraded write one item without calling Jira.
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
    private readonly forgeTokens: ForgeTokenVerifier,
    private readonly authenticator: RequestAuthenticator,
    private readonly deletions: DeletionStore,
    private readonly queue: DeletionQueue,
    private readonly clock: Clock,
    private readonly options: LifecycleOptions,
  ) {}

  /** `POST /lifecycle/forge`: the manifest's lifecycle trigger; `modules` are the route's (the trigger's key). */
  async forgeEvent(request: ApiRequest, modules: readonly string[]): Promise<void> {
    const invocation = await this.forgeTokens.verify(tokenFromAuthorization(request.headers.authorization));
    if (invocation.principal) throw unauthenticated('principal', 'lifecycle events come only from the lifecycle trigger, never from a user');
    if (invocation.moduleType !== TRIGGER_MODULE_TYPE) throw unauthenticated('module', 'lifecycle events come only from a trigger (app.module.type core:trigger)');
    requireModule(invocation, modules);
    const parsed = forgeEventSchema.safeParse(request.body);
    if (!parsed.success) throw fromZodError(parsed.error);
    const event = parsed.data;
    this.#sameInstallation(event, invocation);
    const clientKey = invocation.installationId;
    const existing = await this.tenants.get(clientKey);
    if (event.eventType === 'avi:forge:uninstalled:app') {
      if (existing) await this.#uninstall(clientKey);
      else await this.#resumeUninstall(clientKey);
      return;
    }
    const now = this.clock.now().toISOString();
    const tenant: TenantRecord = {
      clientKey,
      // Forge names the site only by cloud id; no call to Jira inside Forge's 5 s (links into the
      // site are site-relative, lambdas/services/setup-links.ts).
      baseUrl: existing?.baseUrl ?? '',
      platform: 'forge',
      cloudId: invocation.cloudId ?? existing?.cloudId,
      forgeAppId: invocation.appId.replace(/^ari:cloud:ecosystem::app\//, ''),
      forgeEnvironmentId: invocation.environmentId ?? existing?.forgeEnvironmentId,
      installedAt: existing?.installedAt ?? now,
      updatedAt: now,
      version: (existing?.version ?? 0) + 1,
    };
    const unchanged = existing && existing.cloudId === tenant.cloudId && existing.forgeEnvironmentId === tenant.forgeEnvironmentId && existing.forgeAppId === tenant.forgeAppId;
    if (unchanged) return; // a retried delivery
    await this.tenants.put(tenant, existing?.version);
    this.authenticator.forget(clientKey);
    logger.info(existing ? 'tenant upgraded' : 'tenant installed', { tenant: clientKey, event: event.eventType });
  }

  /** The body describes the FIT's own installation: its `id`, site (`context`), app and environment, where it names them. */
  #sameInstallation(event: ForgeEventBody, invocation: ForgeInvocation): void {
    const mismatch = (check: string): AppError => unauthenticated(check, 'the event names another installation than the token');
    if (event.id !== undefined && event.id !== invocation.installationId && event.id !== lastSegment(invocation.installationId)) throw mismatch('installation');
    if (event.context !== undefined && invocation.cloudId && lastSegment(event.context) !== invocation.cloudId) throw mismatch('context');
    if (event.app?.id !== undefined && lastSegment(event.app.id) !== lastSegment(invocation.appId)) throw mismatch('app');
    const environment = event.environment?.id;
    if (environment !== undefined && invocation.environmentId && environmentKeyOf(environment) !== environmentKeyOf(invocation.environmentId)) throw mismatch('environment');
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
}
