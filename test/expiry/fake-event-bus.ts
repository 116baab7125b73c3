import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PutEventsEntry {
  readonly EventBusName?: string;
  readonly Source?: string;
  readonly DetailType?: string;
  readonly Detail?: string;
  readonly Time?: number;
}

/** A loopback stand-in for the EventBridge PutEvents API (AWS JSON 1.1), recording each entry. */
export class FakeEventBus {
  readonly entries: PutEventsEntry[] = [];
  readonly targets: string[] = [];
  /** Answer the next puts with a failed entry, as EventBridge does inside a 200. */
  failNext = 0;
  readonly #server: Server;

  constructor() {
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.targets.push(String(request.headers['x-amz-target']));
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Entries: PutEventsEntry[] };
        const failed = this.failNext > 0;
        if (failed) this.failNext -= 1;
        else this.entries.push(...body.Entries);
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(
          JSON.stringify(
            failed
              ? { FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'Internal failure' }] }
              : { FailedEntryCount: 0, Entries: body.Entries.map((_, i) => ({ EventId: `event-${this.entries.length + i}` })) },
          ),
        );
      });
    });
  }

  start(): Promise<string> {
    return new Promise((resolve) => this.#server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`)));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
