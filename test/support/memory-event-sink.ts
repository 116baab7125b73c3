import { isTokenEvent, type EventSink, type PatgateEvent, type ServiceCredentialEvent, type TokenEvent } from '../../lambdas/expiry/event-sink';

/** Tests: keeps events in memory; can refuse the next few to show a failed emit is retried, not lost. */
export class MemoryEventSink implements EventSink {
  /** Users' token events. */
  readonly events: TokenEvent[] = [];
  /** The admins' service-credential warnings. */
  readonly serviceCredentialEvents: ServiceCredentialEvent[] = [];
  #refusals = 0;
  #onEmit: ((event: PatgateEvent) => void) | undefined;

  /** The next `count` emits reject. */
  refuseNext(count: number): void {
    this.#refusals = count;
  }

  /** Called for each accepted event (e.g. to advance a test clock as if emitting took time). */
  onEmit(listener: (event: PatgateEvent) => void): void {
    this.#onEmit = listener;
  }

  async emit(event: PatgateEvent): Promise<void> {
    if (this.#refusals > 0) {
      this.#refusals -= 1;
      throw new Error('event sink unavailable');
    }
    if (isTokenEvent(event)) this.events.push(event);
    else this.serviceCredentialEvents.push(event);
    this.#onEmit?.(event);
  }
}
