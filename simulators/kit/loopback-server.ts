import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import * as z from 'zod';

/**
 * The shared HTTP shell of the loopback host simulators: request parsing, a request log, and fault
 * injection (status, latency, malformed body, connection reset) for tests. Each simulator supplies
 * only its host's routes and state.
 */
export interface SimRequest {
  readonly method: string;
  /** Path without the query string, percent-encoding kept as sent. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly rawBody: string;
}

export interface SimResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Serialised as JSON unless a string (sent as is). */
  readonly body?: unknown;
}

export interface Fault {
  /** Applies to requests whose method matches (all when absent). */
  readonly method?: string;
  /** Applies to requests whose path contains this text (all when absent). */
  readonly pathIncludes?: string;
  /** How many matching requests the fault hits; unlimited when absent. */
  readonly times?: number;
  /** Answer with this status (and `body`/`headers`) instead of the real route. */
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** Wait this long before answering (or before the real route). */
  readonly delayMs?: number;
  /** Answer 200 with a body that is not JSON. */
  readonly malformedBody?: boolean;
  /** Destroy the socket without an answer. */
  readonly resetConnection?: boolean;
}

/** A Fault as the simulators' `POST /_control/faults` routes accept it. */
export const faultSchema = z.object({
  method: z.string().optional(),
  pathIncludes: z.string().optional(),
  times: z.number().int().positive().optional(),
  status: z.number().int().min(100).max(599).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.unknown().optional(),
  delayMs: z.number().int().nonnegative().optional(),
  malformedBody: z.boolean().optional(),
  resetConnection: z.boolean().optional(),
});

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly status: number;
  /** Headers with credentials removed, for assertions on what a client sent. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
  readonly responseBody: string;
}

export type SimHandler = (request: SimRequest) => SimResponse | Promise<SimResponse>;

const CREDENTIAL_HEADERS = new Set(['authorization', 'private-token', 'x-amz-security-token']);

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class LoopbackServer {
  readonly requests: RecordedRequest[] = [];
  #faults: { fault: Fault; remaining: number }[] = [];
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  readonly #busy = new Set<Socket>();
  #url = '';
  readonly #handler: SimHandler;
  /** Fixed latency added to every answer (benchmarks use 20 ms). */
  latencyMs = 0;
  /** TCP connections accepted since start (keep-alive tests and the bench count new connections per action). */
  connectionsAccepted = 0;

  constructor(handler: SimHandler) {
    this.#handler = handler;
  }

  get url(): string {
    if (!this.#server) throw new Error('simulator not started');
    return this.#url;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => {
      this.#busy.add(req.socket);
      res.once('close', () => this.#busy.delete(req.socket));
      void this.#serve(req, res);
    });
    server.on('connection', (socket: Socket) => {
      this.connectionsAccepted += 1;
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.#server = server;
    const address = server.address() as AddressInfo;
    this.#url = `http://${host}:${address.port}`;
    return this.#url;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * Closes every kept-alive connection that is not serving a request, as a host's idle timeout does:
   * the client's next request on such a socket finds it closed.
   */
  closeIdleConnections(): void {
    // A graceful close (FIN), as a host's idle timeout sends it; Node's own closeIdleConnections
    // destroys the socket, which a Node.js 22 client sees as a close without an end.
    for (const socket of this.#sockets) if (!this.#busy.has(socket)) socket.end();
  }

  injectFault(fault: Fault): void {
    this.#faults.push({ fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
  }

  clearFaults(): void {
    this.#faults = [];
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  #takeFault(method: string, path: string): Fault | undefined {
    const entry = this.#faults.find(
      ({ fault, remaining }) =>
        remaining > 0 && (!fault.method || fault.method === method) && (!fault.pathIncludes || path.includes(fault.pathIncludes)),
    );
    if (!entry) return undefined;
    entry.remaining -= 1;
    return entry.fault;
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://loopback');
    const method = (req.method ?? 'GET').toUpperCase();
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : v]),
    );
    const request: SimRequest = { method, path: url.pathname, query: url.searchParams, headers, rawBody };
    const fault = url.pathname.startsWith('/_control') ? undefined : this.#takeFault(method, url.pathname);
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault?.resetConnection) {
      this.#record(request, 0, '');
      req.socket.destroy();
      return;
    }
    let response: SimResponse;
    if (fault?.malformedBody) response = { status: 200, headers: { 'content-type': 'application/json' }, body: '{"truncated": ' };
    else if (fault?.status) response = { status: fault.status, headers: fault.headers, body: fault.body ?? { message: 'Injected fault' } };
    else {
      try {
        response = await this.#handler(request);
      } catch (error) {
        response = { status: 500, body: { message: `simulator error: ${(error as Error).message}` } };
      }
    }
    if (res.destroyed) return;
    const text = response.body === undefined ? '' : typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
    const outHeaders: Record<string, string> = { ...(response.headers ?? {}) };
    if (text !== '' && !Object.keys(outHeaders).some((h) => h.toLowerCase() === 'content-type')) {
      outHeaders['content-type'] = typeof response.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
    }
    this.#record(request, response.status, text);
    res.writeHead(response.status, outHeaders);
    res.end(text);
  }

  #record(request: SimRequest, status: number, responseBody: string): void {
    if (request.path.startsWith('/_control')) return;
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(([k]) => !CREDENTIAL_HEADERS.has(k)),
    );
    this.requests.push({
      method: request.method,
      path: request.path,
      query: request.query.toString(),
      status,
      headers,
      body: request.rawBody,
      responseBody,
    });
  }
}
