import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';

/** Backoff before the first and second retry of an idempotent read (DESIGN §8: at most two). */
export const READ_RETRY_DELAYS_MS: readonly number[] = [100, 200];

/**
 * The whole-call time budget of one adapter method: every host request it makes (and every retry)
 * shares one AbortSignal that fires when the budget is spent.
 */
export class CallBudget {
  readonly #controller = new AbortController();
  readonly #deadline: number;
  readonly #timer: NodeJS.Timeout;

  constructor(timeoutMs: number) {
    this.#deadline = performance.now() + timeoutMs;
    this.#timer = setTimeout(() => this.#controller.abort(), timeoutMs);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** True once the budget ran out (the signal fired). */
  get spent(): boolean {
    return this.#controller.signal.aborted;
  }

  remainingMs(): number {
    return Math.max(0, this.#deadline - performance.now());
  }

  /**
   * Runs an idempotent read, and again after each backoff when it failed transiently and the
   * budget still has room for the wait. Never use it for writes.
   */
  async retryRead<T>(read: () => Promise<T>, isTransient: (error: unknown) => boolean, delaysMs = READ_RETRY_DELAYS_MS): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await read();
      } catch (error) {
        const wait = delaysMs[attempt];
        if (wait === undefined || !isTransient(error) || this.remainingMs() <= wait) throw error;
        await delay(wait, undefined, { signal: this.signal });
      }
    }
  }

  dispose(): void {
    clearTimeout(this.#timer);
  }
}
