import type { Clock } from '../domain/clock';

/** A run's time budget, read from the injected clock so tests advance time instead of sleeping. */
export class RunBudget {
  readonly #deadline: number;
  #exhausted = false;

  constructor(
    private readonly clock: Clock,
    budgetMs: number,
  ) {
    this.#deadline = clock.now().getTime() + budgetMs;
  }

  /** Whether there is time to start one more unit of work; once false it stays false. */
  hasTime(): boolean {
    if (!this.#exhausted && this.clock.now().getTime() >= this.#deadline) this.#exhausted = true;
    return !this.#exhausted;
  }

  get exhausted(): boolean {
    return this.#exhausted;
  }
}
