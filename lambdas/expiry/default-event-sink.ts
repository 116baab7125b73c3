import type { Config } from '../config';
import type { EventSink, PatgateEvent } from './event-sink';
import { JsonLinesEventSink } from './json-lines-event-sink';
import { runtimePackage } from '../wiring/runtime-package';

/**
 * The token-event sink of an API function (the admin function, when a move drops users' tokens):
 * the JSON-lines file locally, EventBridge in AWS. The EventBridge client loads on first emit, so
 * functions that never emit do not pay for it at cold start.
 */
export const defaultEventSink = (config: Pick<Config, 'eventsToFile' | 'region' | 'eventBusName'>): EventSink => {
  if (config.eventsToFile) return new JsonLinesEventSink();
  let sink: Promise<EventSink> | undefined;
  return {
    emit: async (event: PatgateEvent) => {
      sink ??= Promise.all([runtimePackage(import('@aws-sdk/client-eventbridge')), import('./eventbridge-event-sink')]).then(
        ([{ EventBridgeClient }, { EventBridgeEventSink }]) => new EventBridgeEventSink(new EventBridgeClient({ region: config.region }), config.eventBusName),
      );
      await (await sink).emit(event);
    },
  };
};
