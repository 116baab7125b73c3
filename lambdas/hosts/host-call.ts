import { setTimeout as delay } from 'node:timers/promises';
import { AppError } from '../domain/errors';
import type { HostCredential } from './git-provider';
import { isRequestNeverSent } from './outbound-connections';

/**
 * What every host family shares about one adapter call (docs/architecture.md §8): a whole-call
 * deadline whose signal aborts the requests in flight, idempotent reads retried after an abortable
 * backoff on transient failures, writes sent again only when they provably never left, and the
 * credential-kind guard. Each family keeps its own error mapping and its own idea of "transient".
 */

/** Backoff before the first and second retry of an idempotent read: a read is tried at most three times. */
export const READ_RETRY_DELAYS_MS: readonly number[] = [100, 200];

/** Gateway answers worth another try on an idempotent read (never 429: the host asked us to wait). */
export const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

/** A request is sent again at most this often, and only when it provably never reached the host. */
const NEVER_SENT_RESENDS = 2;

export { withoutTrailingSlash } from './base-url-guard';

/** What a retry needs from the call: how much time is left, and the signal that ends the call. */
export interface CallBudgetView {
  readonly signal: AbortSignal;
  remainingMs(): number;
}

/**
 * Runs an idempotent read, and again after each backoff while it failed transiently and the budget
 * still has room for the wait. The wait ends (rejects) when the call's signal fires. Never for writes.
 */
export const retryRead = async <T>(
  budget: CallBudgetView,
  read: () => Promise<T>,
  isTransient: (error: unknown) => boolean,
  delaysMs: readonly number[] = READ_RETRY_DELAYS_MS,
): Promise<T> => {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await read();
    } catch (error) {
      const wait = delaysMs[attempt];
      if (wait === undefined || !isTransient(error) || budget.remainingMs() <= wait) throw error;
      await delay(wait, undefined, { signal: budget.signal });
    }
  }
};

/**
 * Sends a request (a write too) once; again, at once, only while it failed before one byte of it was
 * written on a reused keep-alive connection (see outbound-connections.ts) and the call is not over.
 * Any other failure is the caller's: the host may have acted.
 */
export const sendUntilSent = async <T>(send: () => Promise<T>, isOver: () => boolean): Promise<T> => {
  for (let resend = 0; ; resend += 1) {
    try {
      return await send();
    } catch (error) {
      if (resend >= NEVER_SENT_RESENDS || isOver() || !isRequestNeverSent(error)) throw error;
    }
  }
};

/**
 * The whole-call budget of one adapter method, shared by every host request the method makes (and
 * every retry): its signal aborts the request in flight when the budget is spent.
 */
export class CallDeadline implements CallBudgetView {
  readonly #controller = new AbortController();
  readonly #endsAt: number;
  readonly #timer: NodeJS.Timeout;

  /** `reason`: what the signal is aborted with (the DOM AbortError when not given). */
  constructor(budgetMs: number, reason?: () => unknown) {
    this.#endsAt = Date.now() + budgetMs;
    this.#timer = setTimeout(() => this.#controller.abort(reason?.()), budgetMs);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** True once the budget ran out (the signal fired). */
  get expired(): boolean {
    return this.#controller.signal.aborted;
  }

  remainingMs(): number {
    return Math.max(0, this.#endsAt - Date.now());
  }

  retryRead<T>(read: () => Promise<T>, isTransient: (error: unknown) => boolean, delaysMs?: readonly number[]): Promise<T> {
    return retryRead(this, read, isTransient, delaysMs);
  }

  /** A write: sent again only when it provably never left and the budget is not spent. */
  sendWrite<T>(write: () => Promise<T>): Promise<T> {
    return sendUntilSent(write, () => this.expired);
  }

  /** Releases the timer once the call is over. */
  dispose(): void {
    clearTimeout(this.#timer);
  }
}

type CredentialKind = HostCredential['kind'];

/**
 * The credential when it is of a kind the family takes; otherwise the family's own 400 (a
 * `VALIDATION_FAILED` with host reason `bad-request`), before any request leaves.
 */
export const requireCredential = <K extends CredentialKind>(credential: HostCredential, kinds: K | readonly K[], message: string): Extract<HostCredential, { kind: K }> => {
  const accepted: readonly CredentialKind[] = typeof kinds === 'string' ? [kinds] : kinds;
  if (accepted.includes(credential.kind)) return credential as Extract<HostCredential, { kind: K }>;
  throw new AppError('VALIDATION_FAILED', message, { hostReason: 'bad-request' });
};
