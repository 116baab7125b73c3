import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { TOKEN_EVENTS_SOURCE, type EventSink, type PatgateEvent } from './event-sink';

/** Puts each token event on the patgate event bus. */
export class EventBridgeEventSink implements EventSink {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly eventBusName: string,
  ) {}

  async emit(event: PatgateEvent): Promise<void> {
    const out = await this.client.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: this.eventBusName, Source: TOKEN_EVENTS_SOURCE, DetailType: event.detailType, Detail: JSON.stringify(event.detail), Time: event.time }],
      }),
    );
    // PutEvents answers 200 even when it refuses an entry; only FailedEntryCount tells.
    if ((out.FailedEntryCount ?? 0) > 0) {
      const entry = out.Entries?.[0];
      throw new Error(`EventBridge did not accept the ${event.detailType} event: ${entry?.ErrorCode ?? 'unknown error'}`);
    }
  }
}
