/**
 * The whole-call budget of one adapter method (DESIGN §8: 10 s), shared by every host request the
 * method makes: its signal aborts the request in flight when the budget runs out.
 */
export class CallDeadline {
  readonly #controller = new AbortController();
  readonly #endsAt: number;
  readonly #timer: ReturnType<typeof setTimeout>;

  constructor(budgetMs: number) {
    this.#endsAt = Date.now() + budgetMs;
    this.#timer = setTimeout(() => this.#controller.abort(new Error('The call ran out of time.')), budgetMs);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get expired(): boolean {
    return this.#controller.signal.aborted;
  }

  remainingMs(): number {
    return Math.max(0, this.#endsAt - Date.now());
  }

  /** Releases the timer once the call is over. */
  dispose(): void {
    clearTimeout(this.#timer);
  }
}
