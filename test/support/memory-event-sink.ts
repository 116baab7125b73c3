import type { EventSink, TokenEvent } from '../../lambdas/expiry/event-sink';

/** Tests: keeps events in memory; can refuse the next few to show a failed emit is retried, not lost. */
export class MemoryEventSink implements EventSink {
  readonly events: TokenEvent[] = [];
  #refusals = 0;
  #onEmit: ((event: TokenEvent) => void) | undefined;

  /** The next `count` emits reject. */
  refuseNext(count: number): void {
    this.#refusals = count;
  }

  /** Called for each accepted event (e.g. to advance a test clock as if emitting took time). */
  onEmit(listener: (event: TokenEvent) => void): void {
    this.#onEmit = listener;
  }

  async emit(event: TokenEvent): Promise<void> {
    if (this.#refusals > 0) {
      this.#refusals -= 1;
      throw new Error('event sink unavailable');
    }
    this.events.push(event);
    this.#onEmit?.(event);
  }
}
