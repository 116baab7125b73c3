import { closeSync, mkdirSync, openSync } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { TOKEN_EVENTS_SOURCE, type EventSink, type PatgateEvent } from './event-sink';

/** Where the local runtime and `npm run check-expiry` write token events. */
export const LOCAL_EVENTS_FILE = '.local/events.jsonl';

/**
 * Locally: one JSON object per line, shaped like an EventBridge event, appended to a file. The file
 * exists from construction on (empty until the first event), so a `tail -f` printed at start works.
 */
export class JsonLinesEventSink implements EventSink {
  constructor(private readonly file: string = LOCAL_EVENTS_FILE) {
    mkdirSync(dirname(file), { recursive: true });
    closeSync(openSync(file, 'a'));
  }

  async emit(event: PatgateEvent): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    const line = { time: event.time.toISOString(), source: TOKEN_EVENTS_SOURCE, 'detail-type': event.detailType, detail: event.detail };
    await appendFile(this.file, `${JSON.stringify(line)}\n`, 'utf8');
  }
}
