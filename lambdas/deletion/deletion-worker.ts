import { logger } from '../observability/logger';
import { telemetry } from '../observability/telemetry';
import type { DeletionStore } from '../store/deletion-store';
import type { ItemKey } from '../store/partition-items';
import {
  auditPk,
  idempotencyPk,
  integrationDeletionSk,
  integrationPullRequestFactsPrefix,
  integrationSk,
  tenantPk,
  TENANT_DELETION_SK,
  tokenSk,
  USER_MARKER_PREFIX,
  userPk,
} from '../store/keys';
import { MAX_DELAY_SECONDS, type DeletionJob, type DeletionOutcome, type IntegrationDeletionJob, type TenantDeletionJob } from './deletion-job';

export interface DeletionWorkerOptions {
  /** Keys read (and deleted) per step of a big partition. @default 1000 */
  readonly pageSize?: number;
  /** User markers per step (each one user's partition, or one token key). @default 100 */
  readonly usersPerStep?: number;
  /** Epoch milliseconds (real time: budgets and the second pass's delay are wall-clock). */
  readonly now?: () => number;
}

/** One step's result: the job's new state, or the end; `delaySeconds` asks for a later continuation. */
type Step = { readonly job: DeletionJob; readonly finished?: boolean; readonly delaySeconds?: number };

/**
 * Runs deletion jobs (deletion-job.ts) in bounded steps under a time budget. A step reads one
 * page (consistently), deletes what it found, and moves the cursor; the job returned when the
 * budget ends carries that cursor, so the next invocation resumes where this one stopped, and a
 * re-delivered older message only redoes deletes. Before every step the job's marker must still be
 * there and name this job: a duplicate delivered after the job finished (and the site was installed
 * again) deletes nothing.
 *
 * Tenant (after an uninstall): users' partitions (found through the `USER#` markers), the audit
 * partition (entries and their per-integration copies; the byAuditActor index holds projections
 * of those items only), idempotency records, then the tenant partition (pass 1 keeps the user
 * markers, so pass 2 finds the users' partitions again). Pass 2 runs no earlier than `notBefore`,
 * when no container trusts a cached copy of the tenant any more, removes anything that landed
 * meanwhile, verifies that every partition is empty, and removes the marker: the site can be
 * installed again.
 *
 * Integration: its overrides and token-holder counter (`INT#<id>#…`), its recorded CodeCommit pull
 * request facts (`PRF#<id>#…`), then every user's token of it, then a verification pass (no token,
 * no `INT#<id>#…` or `PRF#<id>#…` item left) before the marker goes. The
 * audit history of the integration (its entries and their copies under `I#<id>#`) stays, like all
 * audit history, until its TTL: an admin can still read what happened to a deleted integration.
 */
export class DeletionWorker {
  readonly #pageSize: number;
  readonly #usersPerStep: number;
  readonly #now: () => number;

  constructor(
    private readonly store: DeletionStore,
    options: DeletionWorkerOptions = {},
  ) {
    this.#pageSize = options.pageSize ?? 1000;
    this.#usersPerStep = Math.min(100, options.usersPerStep ?? 100);
    this.#now = options.now ?? Date.now;
  }

  /** Runs the job until it is done, must wait, or the budget ends (at least one step always runs). */
  async run(job: DeletionJob, budgetMs: number): Promise<DeletionOutcome> {
    const deadline = this.#now() + budgetMs;
    let current = job;
    for (;;) {
      if (!(await this.#owned(current))) {
        logger.info('deletion job dropped: its marker is gone or belongs to another job', { kind: current.kind, tenant: current.tenant, jobId: current.jobId });
        return { done: true, job: current };
      }
      const step = current.kind === 'tenant' ? await this.#tenantStep(current) : await this.#integrationStep(current);
      if (step.finished) return { done: true, job: step.job };
      if (step.delaySeconds !== undefined && step.delaySeconds > 0) return { done: false, next: step.job, delaySeconds: step.delaySeconds };
      current = step.job;
      if (this.#now() >= deadline) return { done: false, next: current, delaySeconds: 0 };
    }
  }

  async #owned(job: DeletionJob): Promise<boolean> {
    const marker = job.kind === 'tenant' ? await this.store.tenantMarker(job.tenant) : await this.store.integrationMarker(job.tenant, job.integrationId);
    return marker?.jobId === job.jobId;
  }

  async #tenantStep(job: TenantDeletionJob): Promise<Step> {
    const pk = tenantPk(job.tenant);
    const after = job.cursor === undefined ? {} : { after: job.cursor };
    switch (job.phase) {
      case 'users': {
        const wait = job.pass === 2 && job.cursor === undefined ? Math.ceil((job.notBefore - this.#now()) / 1000) : 0;
        if (wait > 0) return { job, delaySeconds: Math.min(MAX_DELAY_SECONDS, wait) };
        const page = await this.store.page(pk, { skPrefix: USER_MARKER_PREFIX, limit: this.#usersPerStep, ...after });
        const partitions = await Promise.all(page.keys.map((marker) => this.store.allKeys(userPk(job.tenant, marker.SK.slice(USER_MARKER_PREFIX.length)))));
        const keys = partitions.flat();
        await this.store.deleteKeys(keys);
        // Pass 2: each marker goes after its user's partition, so a re-delivered step still finds it.
        if (job.pass === 2) await this.store.deleteKeys(page.keys);
        return { job: advance(job, keys.length + (job.pass === 2 ? page.keys.length : 0), page.last, 'audit') };
      }
      case 'audit':
      case 'idempotency': {
        const page = await this.store.page(job.phase === 'audit' ? auditPk(job.tenant) : idempotencyPk(job.tenant), { limit: this.#pageSize, ...after });
        await this.store.deleteKeys(page.keys);
        return { job: advance(job, page.keys.length, page.last, job.phase === 'audit' ? 'idempotency' : 'tenant') };
      }
      case 'tenant': {
        const page = await this.store.page(pk, { limit: this.#pageSize, ...after });
        const doomed = page.keys.filter((k) => k.SK !== TENANT_DELETION_SK && !(job.pass === 1 && k.SK.startsWith(USER_MARKER_PREFIX)));
        await this.store.deleteKeys(doomed);
        const next = advance(job, doomed.length, page.last, 'verify');
        if (page.last !== undefined || job.pass === 2) return { job: next };
        // End of pass 1: pass 2 from the start, after the tenant-cache lifetime.
        const second: TenantDeletionJob = { ...next, pass: 2, phase: 'users' };
        const wait = Math.ceil((job.notBefore - this.#now()) / 1000);
        return wait > 0 ? { job: second, delaySeconds: Math.min(MAX_DELAY_SECONDS, wait) } : { job: second };
      }
      case 'verify': {
        const [tenantItems, audit, idempotency] = await Promise.all([
          this.store.page(pk, { limit: 2 }),
          this.store.page(auditPk(job.tenant), { limit: 1 }),
          this.store.page(idempotencyPk(job.tenant), { limit: 1 }),
        ]);
        const left = [...tenantItems.keys.filter((k) => k.SK !== TENANT_DELETION_SK), ...audit.keys, ...idempotency.keys];
        if (left.length > 0) {
          logger.warn('items appeared during the second uninstall pass; sweeping again', { tenant: job.tenant, sample: left.map((k) => k.SK).slice(0, 3) });
          return { job: { ...without(job), phase: 'users' } };
        }
        await this.store.removeMarker({ PK: pk, SK: TENANT_DELETION_SK }, job.jobId);
        this.#finished(job);
        return { job, finished: true };
      }
    }
  }

  async #integrationStep(job: IntegrationDeletionJob): Promise<Step> {
    const pk = tenantPk(job.tenant);
    const after = job.cursor === undefined ? {} : { after: job.cursor };
    const ownItems = `${integrationSk(job.integrationId)}#`;
    const facts = integrationPullRequestFactsPrefix(job.integrationId);
    switch (job.phase) {
      case 'items':
      case 'facts': {
        const page = await this.store.page(pk, { skPrefix: job.phase === 'items' ? ownItems : facts, limit: this.#pageSize, ...after });
        await this.store.deleteKeys(page.keys);
        return { job: advance(job, page.keys.length, page.last, job.phase === 'items' ? 'facts' : 'tokens') };
      }
      case 'tokens':
      case 'verify': {
        const page = await this.store.page(pk, { skPrefix: USER_MARKER_PREFIX, limit: this.#usersPerStep, ...after });
        const tokens: ItemKey[] = page.keys.map((marker) => ({ PK: userPk(job.tenant, marker.SK.slice(USER_MARKER_PREFIX.length)), SK: tokenSk(job.integrationId) }));
        const found = await this.store.existing(tokens);
        await this.store.deleteKeys(found);
        if (job.phase === 'verify' && found.length > 0) logger.warn('tokens found by the verification pass of an integration deletion', { tenant: job.tenant, integrationId: job.integrationId, found: found.length });
        if (page.last !== undefined || job.phase === 'tokens') return { job: advance(job, found.length, page.last, 'verify') };
        const leftovers = [...(await this.store.page(pk, { skPrefix: ownItems, limit: 1 })).keys, ...(await this.store.page(pk, { skPrefix: facts, limit: 1 })).keys];
        if (leftovers.length > 0) return { job: { ...without(job), deleted: job.deleted + found.length, phase: 'items' } };
        await this.store.removeMarker({ PK: pk, SK: integrationDeletionSk(job.integrationId) }, job.jobId);
        const done = { ...job, deleted: job.deleted + found.length };
        this.#finished(done);
        return { job: done, finished: true };
      }
    }
  }

  #finished(job: DeletionJob): void {
    const seconds = Math.round((this.#now() - job.startedAt) / 100) / 10;
    logger.info(job.kind === 'tenant' ? 'tenant data deleted and verified' : 'integration data deleted and verified', {
      tenant: job.tenant,
      ...(job.kind === 'integration' ? { integrationId: job.integrationId } : {}),
      deletedItems: job.deleted,
      seconds,
    });
    telemetry.deletionCompleted(job.kind, job.deleted);
  }
}

const without = <J extends DeletionJob>(job: J): J => {
  const { cursor: _cursor, ...rest } = job;
  return rest as J;
};

/** The job after a page: same phase after `last`, or the next phase from its start. */
const advance = <J extends DeletionJob>(job: J, deleted: number, last: string | undefined, nextPhase: J['phase']): J => {
  const counted = { ...without(job), deleted: job.deleted + deleted };
  return last === undefined ? { ...counted, phase: nextPhase } : { ...counted, cursor: last };
};
