import type { ApiRequest } from '../domain/api-request';
import type { Clock } from '../domain/clock';
import { AppError } from '../domain/errors';
import { Secret } from '../domain/secret';
import { tokenFromAuthorization } from '../jira/forge-invocation-token';
import type { ForgeTokenVerifier } from '../jira/forge-invocation-token';
import { logger } from '../observability/logger';
import type { PersonalDataStore, ReportProgress } from '../store/personal-data-store';
import type { TenantStore } from '../store/tenant-store';
import type { TokenStore } from '../store/token-store';
import { ForgePersonalDataClient, REPORT_ACCOUNTS_LIMIT, type PersonalDataClient } from './personal-data-client';

/** The manifest's `scheduledTrigger` module whose FIT alone may start a report (docs/privacy.md). */
export const PRIVACY_REPORT_MODULE_KEY = 'patgate-privacy-report';
/** The guide's default cycle period: an account is reported at most once in it. */
export const REPORT_CYCLE_MS = 7 * 24 * 3600 * 1000;
export interface ReporterOptions {
  /**
   * Forge waits 5 s for a remote's scheduled trigger and retries 4 times
   * (https://developer.atlassian.com/platform/forge/forge-remote-invocation-contract): a run stops
   * starting steps after this long (3 s when deployed) and the next hourly trigger goes on from its
   * saved cursor.
   */
  readonly runBudgetMs: number;
  /** How a run reaches Atlassian's API (tests may pass another client). */
  readonly clientFor?: (apiBaseUrl: string, systemToken: Secret) => PersonalDataClient;
}

export type ReportRun =
  | { readonly kind: 'waiting'; readonly until: string }
  | { readonly kind: 'up-to-date' }
  | { readonly kind: 'ran'; readonly requests: number; readonly reported: number; readonly erased: number; readonly stoppedBy?: 'rate-limited' | 'failed' | 'budget' | 'concurrent-run' };

const unauthenticated = (reason: string): AppError => new AppError('UNAUTHENTICATED', `Authentication failed: ${reason}.`);

/**
 * Reports the Atlassian accounts patgate holds data of to the personal data reporting API and
 * erases what it holds of accounts Atlassian reports closed (docs/privacy.md):
 * - held accounts are the user markers of the tenant partition (token holders and audit actors);
 * - each run goes on from a saved cursor, 90 accounts a request, until the pass ends or the run's
 *   budget does; a new pass starts a cycle (7 days) after the last one began;
 * - 429: no request before `Retry-After` (saved, so the next run waits too);
 * - closed: the account's tokens are deleted (token-holder counters with them) and its idempotency
 *   records, its audit entries and copies (and integrations or overrides it created or changed)
 *   get a random pseudonym (the same for all), then its marker goes. An erasure cut
 *   short by the budget stays listed in the progress and is finished first by the next run.
 */
export class PersonalDataReporter {
  constructor(
    private readonly tenants: TenantStore,
    private readonly forgeTokens: ForgeTokenVerifier,
    private readonly store: PersonalDataStore,
    private readonly tokens: TokenStore,
    private readonly clock: Clock,
    private readonly options: ReporterOptions,
  ) {}

  /** `POST /privacy/report`: the Forge scheduled trigger, one installation per invocation. */
  async trigger(request: ApiRequest): Promise<ReportRun> {
    const invocation = await this.forgeTokens.verify(tokenFromAuthorization(request.headers.authorization));
    if (invocation.principal) throw unauthenticated('principal: only the scheduled trigger starts a report');
    if (invocation.moduleKey !== PRIVACY_REPORT_MODULE_KEY) throw unauthenticated(`module: only the ${PRIVACY_REPORT_MODULE_KEY} trigger starts a report`);
    const tenant = await this.tenants.get(invocation.installationId);
    if (!tenant || tenant.platform !== 'forge') throw unauthenticated('installation: not a Forge installation of this app');
    if (tenant.cloudId && invocation.cloudId && tenant.cloudId !== invocation.cloudId) throw unauthenticated('context (cloudId): the token names another site');
    const systemToken = request.headers['x-forge-oauth-system'];
    if (!systemToken || systemToken.length > 8192) throw unauthenticated('app system token: the x-forge-oauth-system header is missing');
    const clientFor = this.options.clientFor ?? ((base: string, token: Secret) => new ForgePersonalDataClient(base, token, () => this.clock.now()));
    return this.run(tenant.clientKey, clientFor(invocation.apiBaseUrl, new Secret(systemToken)));
  }

  async run(tenant: string, client: PersonalDataClient): Promise<ReportRun> {
    const deadline = this.clock.now().getTime() + this.options.runBudgetMs;
    const overBudget = (): boolean => this.clock.now().getTime() >= deadline;
    let progress = await this.store.progress(tenant);
    const now = this.clock.now();
    if (progress?.notBefore && Date.parse(progress.notBefore) > now.getTime()) return { kind: 'waiting', until: progress.notBefore };
    let erased = 0;
    let requests = 0;
    let reported = 0;
    const ran = (stoppedBy?: 'rate-limited' | 'failed' | 'budget' | 'concurrent-run'): ReportRun => ({ kind: 'ran', requests, reported, erased, ...(stoppedBy ? { stoppedBy } : {}) });

    if (progress && progress.closing.length > 0) {
      const finished = await this.#eraseAll(tenant, progress.closing, overBudget);
      erased += finished.length;
      progress = await this.#save(tenant, progress, { closing: progress.closing.filter((id) => !finished.includes(id)) });
      if (!progress) return ran('concurrent-run');
      if (progress.closing.length > 0) return ran('budget');
    }
    const cycleDue = !progress?.cycleCompletedAt || now.getTime() >= Date.parse(progress.cycleStartedAt) + REPORT_CYCLE_MS;
    if (!cycleDue) return erased > 0 ? ran() : { kind: 'up-to-date' };
    if (!progress || progress.cycleCompletedAt) {
      const next: Omit<ReportProgress, 'version'> = { cycleStartedAt: now.toISOString(), closing: progress?.closing ?? [] };
      progress = await this.store.saveProgress(tenant, next, progress?.version);
      if (!progress) return ran('concurrent-run');
    }

    // At least one request per run, however short the budget.
    for (let first = true; first || !overBudget(); first = false) {
      const { accounts, more } = await this.store.accountsAfter(tenant, progress.cursor, REPORT_ACCOUNTS_LIMIT);
      const last = accounts.at(-1)?.accountId;
      // Accounts already being erased are not reported again.
      const toReport = accounts.filter((a) => a.pseudonym === undefined);
      if (toReport.length > 0) {
        const at = this.clock.now().toISOString();
        const outcome = await client.report(toReport.map((a) => ({ accountId: a.accountId, updatedAt: at })));
        requests += 1;
        if (outcome.kind === 'rate-limited') {
          const until = new Date(this.clock.now().getTime() + outcome.retryAfterSeconds * 1000).toISOString();
          logger.warn('personal data report rate-limited', { tenant, retryAfterSeconds: outcome.retryAfterSeconds });
          await this.#save(tenant, progress, { notBefore: until });
          return ran('rate-limited');
        }
        if (outcome.kind === 'failed') {
          logger.warn('personal data report failed; the next run reports again', { tenant, status: outcome.status });
          return ran('failed');
        }
        reported += toReport.length;
        // The cursor never names an account being erased: its marker goes, so the next Query skips it anyway.
        const cursor = accounts.map((a) => a.accountId).filter((id) => !outcome.closed.includes(id)).at(-1) ?? progress.cursor;
        const saved = await this.#save(tenant, progress, { cursor, closing: [...new Set([...progress.closing, ...outcome.closed])] });
        if (!saved) return ran('concurrent-run');
        progress = saved;
        if (outcome.closed.length > 0) {
          const finished = await this.#eraseAll(tenant, outcome.closed, overBudget);
          erased += finished.length;
          const after = await this.#save(tenant, progress, { closing: progress.closing.filter((id) => !finished.includes(id)) });
          if (!after) return ran('concurrent-run');
          progress = after;
        }
      } else if (last !== undefined) {
        const saved = await this.#save(tenant, progress, { cursor: last });
        if (!saved) return ran('concurrent-run');
        progress = saved;
      }
      if (!more || accounts.length === 0) {
        const { cursor: _last, ...finished } = progress;
        const done = await this.#save(tenant, finished, { cycleCompletedAt: this.clock.now().toISOString() });
        if (!done) return ran('concurrent-run');
        logger.info('personal data report: pass complete', { tenant, requests, reported, erased });
        return ran();
      }
    }
    return ran('budget');
  }

  /** Saves the progress with these changes (a 429's wait cleared unless set); undefined if another run saved meanwhile. */
  async #save(tenant: string, progress: ReportProgress, changes: Partial<Omit<ReportProgress, 'version'>>): Promise<ReportProgress | undefined> {
    const { version, notBefore: _wait, ...rest } = progress;
    return this.store.saveProgress(tenant, { ...rest, ...changes }, version);
  }

  /** Erases each account in turn while the budget lasts; answers those finished. */
  async #eraseAll(tenant: string, accountIds: readonly string[], overBudget: () => boolean): Promise<string[]> {
    const finished: string[] = [];
    for (const accountId of accountIds) {
      if (overBudget() && finished.length > 0) break;
      if (await this.#erase(tenant, accountId, overBudget)) finished.push(accountId);
    }
    return finished;
  }

  /**
   * Tokens first (through the token store's counted delete, so token-holder counters stay right),
   * then the audit entries and copies, then the marker with the pseudonym. False when the budget
   * ended first (everything done so far stays done; a repeat finds less to do).
   */
  async #erase(tenant: string, accountId: string, overBudget: () => boolean): Promise<boolean> {
    const pseudonym = await this.store.pseudonymFor(tenant, accountId);
    for (const token of await this.tokens.listForUser(tenant, accountId)) await this.tokens.delete(tenant, accountId, token.integrationId);
    await this.store.deleteIdempotencyRecords(tenant, accountId);
    await this.store.pseudonymiseAuthors(tenant, accountId, pseudonym);
    let start: Record<string, unknown> | undefined;
    let rewritten = 0;
    do {
      if (overBudget() && rewritten > 0) return false;
      const page = await this.store.auditPage(tenant, accountId, start);
      for (const item of page.items) if (await this.store.pseudonymiseAuditItem(tenant, item, accountId, pseudonym)) rewritten += 1;
      start = page.next;
    } while (start);
    await this.store.deleteMarker(tenant, accountId);
    // The pseudonym only: the closed account's id is not written anywhere again.
    logger.info('closed Atlassian account erased', { tenant, pseudonym, auditItemsRewritten: rewritten });
    return true;
  }
}
