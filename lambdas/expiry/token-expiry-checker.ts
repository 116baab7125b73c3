import type { Logger } from '@aws-lambda-powertools/logger';
import type { Clock } from '../domain/clock';
import { isCredentialRejected } from '../domain/credential-rejected';
import { isAppError } from '../domain/errors';
import { EXPIRING_WINDOW_MS } from '../domain/policy';
import type { IntegrationRecord } from '../domain/records';
import type { ProviderLookup } from '../hosts/provider-registry';
import { logger as defaultLogger } from '../observability/logger';
import { BUILT_IN_FAMILIES, type HostFamilies } from '../hosts/family-registry';
import { openCredential, userTokenContext } from '../services/host-credentials';
import type { IntegrationStore } from '../store/integration-store';
import type { TokenVault } from '../vault/token-vault';
import { calendarDay } from './calendar-day';
import { CheckRun, hostKey, type ExpiryCheckSummary } from './check-run';
import type { CheckedToken } from './checked-token';
import type { EventSink, TokenEventDetail } from './event-sink';
import type { ExpiryTokenStore, PageKey, TokenPage } from './expiry-token-store';
import { expiryTransition } from './expiry-transition';
import type { ServiceCredentialExpiryEntry, ServiceCredentialExpiryStore } from './service-credential-expiry-store';
import { expiresInDays, SERVICE_CREDENTIAL_EXPIRED_LOOKBACK_DAYS, SERVICE_CREDENTIAL_WINDOW_DAYS, serviceCredentialTransition } from './service-credential-warning';
import { serviceCredentialExpiryBucket } from '../store/service-credential-expiry';

export type { ExpiryCheckSummary } from './check-run';

export interface TokenExpiryCheckerOptions {
  readonly tokens: ExpiryTokenStore;
  /**
   * The integrations' service-credential entries (docs/architecture.md §7): the admins' warnings.
   * Absent: the run checks users' tokens only (the token benchmarks).
   */
  readonly serviceCredentials?: ServiceCredentialExpiryStore;
  readonly integrations: Pick<IntegrationStore, 'get'>;
  readonly vault: TokenVault;
  readonly providers: ProviderLookup;
  /** The host families in use (each kind's credential host). @default BUILT_IN_FAMILIES */
  readonly families?: HostFamilies;
  readonly sink: EventSink;
  readonly clock: Clock;
  readonly logger?: Pick<Logger, 'warn'>;
  /** Tokens worked on at once, host calls included (docs/architecture.md §7: bounded). @default 20 */
  readonly concurrency?: number;
  /** Items per Query page: the batch size. @default 100 */
  readonly pageSize?: number;
  /** How many past `reverifyDay` partitions are read, for tokens a failing host kept back. @default 30 */
  readonly reverifyLookbackDays?: number;
  /** Writes audit entries queued after a host acted but the audit write failed (AuditStore.drainOutbox). */
  readonly drainAuditOutbox?: () => Promise<{ written: number; dropped: number }>;
}

const DAY_MS = 24 * 3600 * 1000;

/** The `S#YYYY-MM` partitions from the month of `from` to the month of `until` (ISO instants). */
const monthBuckets = (from: string, until: string): string[] => {
  const buckets: string[] = [];
  const month = new Date(`${from.slice(0, 7)}-01T00:00:00.000Z`);
  while (month.toISOString() <= until) {
    buckets.push(serviceCredentialExpiryBucket(month.toISOString()));
    month.setUTCMonth(month.getUTCMonth() + 1);
  }
  return buckets;
};

/** Tokens worked on at once by default: at 200 ms host latency about 20 / 0.2 s, well over 50 tokens/s. */
export const DEFAULT_CHECK_CONCURRENCY = 20;

type HostVerdict = { readonly kind: 'accepted' } | { readonly kind: 'rejected' } | { readonly kind: 'rate-limited' } | { readonly kind: 'failed'; readonly code: string };

const errorCode = (error: unknown): string => (isAppError(error) ? error.code : error instanceof Error ? error.name : 'unknown');

const verdictOf = (error: unknown): HostVerdict => {
  if (!isAppError(error)) return { kind: 'failed', code: errorCode(error) };
  if (isCredentialRejected(error)) return { kind: 'rejected' };
  if (error.code === 'HOST_RATE_LIMITED') return { kind: 'rate-limited' };
  return { kind: 'failed', code: error.code };
};

const detailOf = (token: CheckedToken): TokenEventDetail => ({
  tenant: token.tenant,
  integrationId: token.integrationId,
  accountId: token.accountId,
  ...(token.expiresAt ? { expiresAt: token.expiresAt } : {}),
});

/**
 * The hourly token-expiry checker (docs/architecture.md §7). One run:
 * 1. reads the `byExpiry` partitions from yesterday to today + 7 days (expiring within 7 days) and marks
 *    tokens `expiring` / `expired`;
 * 2. reads the service credentials' `S#` month partitions of byExpiry and warns the admins 30, 7 and 1 day
 *    before a credential expires and once it has (each level once, only while the site is installed);
 * 3. reads the `byReverify` partitions from today − 30 days to today and asks the host about tokens whose
 *    host tells no expiry: a 401 marks them `invalid`, success moves them to tomorrow.
 *
 * Each status change is one conditional write that also records the event it owes (`eventPendingFor`);
 * the event is emitted after the write and the mark removed after the sink accepted it. A run stopped by
 * its budget or a failed emit leaves the mark, and the next run that reads the token emits it then: no
 * event is lost, and none is emitted twice unless the mark's removal itself fails after the sink took
 * the event (process killed, DynamoDB error); the budget only ever stops a run between tokens.
 */
export class TokenExpiryChecker {
  readonly #concurrency: number;
  readonly #pageSize: number;
  readonly #lookbackDays: number;
  readonly #logger: Pick<Logger, 'warn'>;

  constructor(private readonly options: TokenExpiryCheckerOptions) {
    this.#concurrency = Math.max(1, options.concurrency ?? DEFAULT_CHECK_CONCURRENCY);
    this.#pageSize = options.pageSize ?? 100;
    this.#lookbackDays = options.reverifyLookbackDays ?? 30;
    this.#logger = options.logger ?? defaultLogger;
  }

  /** One run, starting no work after `budgetMs` (by the injected clock). */
  async run(options: { readonly budgetMs: number }): Promise<ExpiryCheckSummary> {
    const run = new CheckRun(this.options.clock, options.budgetMs, (tenant, id) => this.options.integrations.get(tenant, id));
    await this.#drainAuditOutbox();
    await this.#expiryPass(run);
    // Before re-verification: few entries, no host call, and the one that stops a whole integration.
    await this.#serviceCredentialPass(run);
    await this.#reverifyPass(run);
    return run.summary();
  }

  async #drainAuditOutbox(): Promise<void> {
    try {
      const drained = await this.options.drainAuditOutbox?.();
      if (drained && drained.written + drained.dropped > 0) this.#logger.warn('queued audit entries written', { ...drained });
    } catch (error) {
      this.#logger.warn('audit outbox not drained; the next run retries', { error: errorCode(error) });
    }
  }

  async #expiryPass(run: CheckRun): Promise<void> {
    const until = new Date(run.now.getTime() + EXPIRING_WINDOW_MS).toISOString();
    for (let offset = -1; offset <= 7; offset += 1) {
      const day = calendarDay(run.now, offset);
      await this.#eachToken(run, (start) => this.options.tokens.queryExpiring(day, until, this.#pageSize, start), (token) => this.#checkExpiry(run, token));
    }
  }

  /**
   * The byExpiry month partitions (`S#YYYY-MM`) holding service credentials that expire from 7 days ago
   * to 30 days ahead: one entry per integration, so a plain page loop without a pool.
   */
  async #serviceCredentialPass(run: CheckRun): Promise<void> {
    const store = this.options.serviceCredentials;
    if (!store) return;
    const from = new Date(run.now.getTime() - SERVICE_CREDENTIAL_EXPIRED_LOOKBACK_DAYS * DAY_MS).toISOString();
    const until = new Date(run.now.getTime() + SERVICE_CREDENTIAL_WINDOW_DAYS * DAY_MS).toISOString();
    const installed = new Map<string, Promise<boolean>>();
    const tenantInstalled = (tenant: string): Promise<boolean> => {
      let answer = installed.get(tenant);
      if (!answer) installed.set(tenant, (answer = store.tenantInstalled(tenant)));
      return answer;
    };
    for (const bucket of monthBuckets(from, until)) {
      let start: PageKey | undefined;
      do {
        if (!run.budget.hasTime()) return;
        const page = await store.queryBucket(bucket, from, until, this.#pageSize, start);
        run.add('itemsRead', page.itemsRead);
        for (const entry of page.entries) {
          if (!run.budget.hasTime()) return;
          try {
            await this.#warnAdmins(run, store, entry, tenantInstalled);
          } catch (error) {
            run.add('deferred');
            this.#logger.warn('service credential check failed; next run retries it', { tenant: entry.tenant, integrationId: entry.integrationId, code: errorCode(error) });
          }
        }
        start = page.next;
      } while (start);
    }
  }

  /**
   * One entry: nothing is read unless a warning is owed; then only while the site is installed and the
   * integration still holds the credential the entry was written for. Same outbox as users' tokens:
   * the warning and its pending event in one conditional write, the event, then the mark removed.
   */
  async #warnAdmins(run: CheckRun, store: ServiceCredentialExpiryStore, read: ServiceCredentialExpiryEntry, tenantInstalled: (tenant: string) => Promise<boolean>): Promise<void> {
    if (!read.eventPendingFor && !serviceCredentialTransition(read, run.now)) return;
    if (!(await tenantInstalled(read.tenant))) return;
    const integration = await run.integrationOf(read);
    if (!integration || integration.serviceCredential.setAt !== read.credentialSetAt) return;
    let entry = read;
    if (entry.eventPendingFor) {
      if (!(await store.stillPending(entry, entry.eventPendingFor))) return;
      if (!(await this.#deliverServiceCredential(run, store, entry, integration))) return;
      const { eventPendingFor: _delivered, ...rest } = entry;
      entry = rest;
    }
    const transition = serviceCredentialTransition(entry, run.now);
    if (!transition) return;
    const marked = await store.markWarned(entry, transition.warning, transition.event, run.at);
    if (!marked) return;
    run.add('serviceCredentialWarnings');
    await this.#deliverServiceCredential(run, store, marked, integration);
  }

  async #deliverServiceCredential(run: CheckRun, store: ServiceCredentialExpiryStore, entry: ServiceCredentialExpiryEntry, integration: IntegrationRecord): Promise<boolean> {
    const event = entry.eventPendingFor;
    if (!event) return true;
    const days = expiresInDays(entry.expiresAt, run.now);
    try {
      await this.options.sink.emit({
        detailType: event,
        detail: { tenant: entry.tenant, integrationId: entry.integrationId, integrationName: integration.name, provider: integration.provider, expiresAt: entry.expiresAt, ...(days === undefined ? {} : { expiresInDays: days }) },
        time: run.now,
      });
    } catch (error) {
      run.add('deferred');
      this.#logger.warn('service credential event not accepted; next run emits it', { detailType: event, tenant: entry.tenant, integrationId: entry.integrationId, code: errorCode(error) });
      return false;
    }
    await store.clearPendingEvent(entry, event);
    return true;
  }

  async #reverifyPass(run: CheckRun): Promise<void> {
    for (let offset = -this.#lookbackDays; offset <= 0; offset += 1) {
      const day = calendarDay(run.now, offset);
      await this.#eachToken(run, (start) => this.options.tokens.queryReverify(day, this.#pageSize, start), (token) => this.#reverify(run, token));
    }
  }

  /**
   * Page by page (a bounded batch each), tokens at bounded concurrency, while the budget lasts. One
   * pool of workers runs across pages: the next page is read while the current one's last tokens are
   * still with their hosts, so a page boundary never drains the pool (re-verification is host-latency
   * bound: throughput ≈ concurrency / host latency).
   */
  async #eachToken(run: CheckRun, fetch: (start?: PageKey) => Promise<TokenPage>, work: (token: CheckedToken) => Promise<void>): Promise<void> {
    const queue: CheckedToken[] = [];
    let start: PageKey | undefined;
    let more = true;
    let failure: { readonly error: unknown } | undefined;
    let loading: Promise<void> | undefined;
    const load = (): Promise<void> =>
      (loading ??= fetch(start)
        .then(
          (page) => {
            run.add('itemsRead', page.itemsRead);
            queue.push(...page.tokens);
            start = page.next;
            more = page.next !== undefined;
          },
          (error: unknown) => {
            failure = { error };
            more = false;
          },
        )
        .finally(() => {
          loading = undefined;
        }));
    const worker = async (): Promise<void> => {
      while (failure === undefined && run.budget.hasTime()) {
        // Read ahead once fewer tokens wait than there are workers.
        if (more && queue.length < this.#concurrency) void load();
        const token = queue.shift();
        if (token === undefined) {
          if (!more && loading === undefined) return;
          await load();
          continue;
        }
        await this.#examine(run, token, work);
      }
    };
    if (!run.budget.hasTime()) return;
    await Promise.all(Array.from({ length: this.#concurrency }, worker));
    if (failure !== undefined) throw failure.error;
  }

  /** One token's failure (a DynamoDB hiccup) is that token's, not the run's: it is picked up next run. */
  async #examine(run: CheckRun, token: CheckedToken, work: (token: CheckedToken) => Promise<void>): Promise<void> {
    run.add('examined');
    try {
      await work(token);
    } catch (error) {
      run.add('deferred');
      this.#logger.warn('token check failed; next run retries it', { tenant: token.tenant, integrationId: token.integrationId, accountId: token.accountId, code: errorCode(error) });
    }
  }

  async #checkExpiry(run: CheckRun, read: CheckedToken): Promise<void> {
    const token = await this.#settlePendingEvent(run, read);
    if (!token) return;
    const transition = expiryTransition(token, run.now);
    if (!transition) return;
    const marked = await this.options.tokens.markStatus(token, transition.status, transition.event, run.at);
    if (!marked) return;
    run.add(transition.status === 'expired' ? 'markedExpired' : 'markedExpiring');
    await this.#deliver(run, marked);
  }

  async #reverify(run: CheckRun, read: CheckedToken): Promise<void> {
    const token = await this.#settlePendingEvent(run, read);
    if (!token || token.status === 'invalid') return;
    const integration = await run.integrationOf(token);
    if (!integration) {
      run.add('deferred');
      return;
    }
    const host = hostKey(integration);
    if (run.isPaused(host)) {
      run.add('deferred');
      return;
    }
    const verdict = await this.#askHost(token, integration);
    await this.#apply(run, token, integration, verdict);
  }

  async #apply(run: CheckRun, token: CheckedToken, integration: IntegrationRecord, verdict: HostVerdict): Promise<void> {
    switch (verdict.kind) {
      case 'accepted':
        if (await this.options.tokens.moveReverifyDay(token, calendarDay(run.now, 1), run.at)) run.add('reverified');
        return;
      case 'rejected': {
        const marked = await this.options.tokens.markStatus(token, 'invalid', 'Token Invalid', run.at);
        if (!marked) return;
        run.add('markedInvalid');
        await this.#deliver(run, marked);
        return;
      }
      case 'rate-limited':
        run.pause(hostKey(integration));
        run.add('deferred');
        this.#logger.warn('host rate-limited the re-verification; its tokens wait for the next run', { provider: integration.provider, tenant: token.tenant, integrationId: token.integrationId });
        return;
      case 'failed':
        run.add('deferred');
        this.#logger.warn('host could not re-verify a token; next run retries it', { tenant: token.tenant, integrationId: token.integrationId, accountId: token.accountId, code: verdict.code });
    }
  }

  async #askHost(token: CheckedToken, integration: IntegrationRecord): Promise<HostVerdict> {
    let credential;
    try {
      credential = await openCredential(this.options.vault, token.credential, userTokenContext(this.options.families ?? BUILT_IN_FAMILIES, integration, token.accountId), integration);
    } catch (error) {
      // Unreadable here is our problem, not the host's verdict on the token.
      return { kind: 'failed', code: errorCode(error) };
    }
    try {
      await this.options.providers(integration).verifyToken(credential);
      return { kind: 'accepted' };
    } catch (error) {
      return verdictOf(error);
    }
  }

  /**
   * Emits the event an earlier run wrote but could not deliver. Returns the token ready for this run's
   * checks, or undefined when it must wait (not delivered) or the index was stale.
   */
  async #settlePendingEvent(run: CheckRun, token: CheckedToken): Promise<CheckedToken | undefined> {
    const event = token.eventPendingFor;
    if (!event) return token;
    if (!(await this.options.tokens.stillPending(token, event))) return undefined;
    if (!(await this.#deliver(run, token))) return undefined;
    const { eventPendingFor: _delivered, ...rest } = token;
    return rest;
  }

  /** Emits the token's pending event, then removes the mark. A refused emit keeps the mark for the next run. */
  async #deliver(run: CheckRun, token: CheckedToken): Promise<boolean> {
    const event = token.eventPendingFor;
    if (!event) return true;
    try {
      await this.options.sink.emit({ detailType: event, detail: detailOf(token), time: run.now });
    } catch (error) {
      run.add('deferred');
      this.#logger.warn('token event not accepted; next run emits it', { detailType: event, tenant: token.tenant, integrationId: token.integrationId, accountId: token.accountId, code: errorCode(error) });
      return false;
    }
    await this.options.tokens.clearPendingEvent(token, event, event === 'Token Invalid');
    return true;
  }
}
