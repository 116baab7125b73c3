import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { sendUntilSent } from '../host-call';

/** The host did not accept a connection within the connect timeout. */
export class ConnectTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`no connection within ${timeoutMs} ms`);
    this.name = 'ConnectTimeoutError';
  }
}

const NULL_BODY_STATUSES = new Set([204, 205, 304]);

const abortError = (): Error => {
  const error = new Error('The operation was aborted');
  error.name = 'AbortError';
  return error;
};

const toHeaders = (message: IncomingMessage): Headers => {
  const headers = new Headers();
  for (const [name, value] of Object.entries(message.headers)) {
    for (const item of Array.isArray(value) ? value : [value]) if (item !== undefined) headers.append(name, item);
  }
  return headers;
};

const requestBody = (body: RequestInit['body']): string | Uint8Array | undefined => {
  if (body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array) return body ?? undefined;
  throw new TypeError('only string and byte bodies are supported');
};

/** Starts the connect timer once the request has a socket; a reused keep-alive socket is already connected. */
const armConnectTimeout = (request: ClientRequest, timeoutMs: number, secure: boolean): void => {
  const timer = setTimeout(() => request.destroy(new ConnectTimeoutError(timeoutMs)), timeoutMs);
  request.once('close', () => clearTimeout(timer));
  request.once('socket', (socket: Socket) => {
    if (!socket.connecting) return clearTimeout(timer);
    socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(timer));
  });
};

const readResponse = (response: IncomingMessage, resolve: (value: Response) => void, reject: (error: Error) => void): void => {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.once('error', reject);
  response.once('end', () => {
    const status = response.statusCode ?? 0;
    const body = NULL_BODY_STATUSES.has(status) ? null : Buffer.concat(chunks);
    resolve(new Response(body, { status, statusText: response.statusMessage ?? '', headers: toHeaders(response) }));
  });
};

export interface TimedFetchOptions {
  readonly connectTimeoutMs: number;
  /** The guarded keep-alive pool (outbound-connections.ts); it outlives the call. */
  readonly agent: HttpAgent | HttpsAgent;
}

const sendOnce = ({ connectTimeoutMs, agent }: TimedFetchOptions, input: Parameters<typeof fetch>[0], init: RequestInit): Promise<Response> =>
  new Promise<Response>((resolve, reject) => {
    if (input instanceof Request) throw new TypeError('pass a URL, not a Request');
    const url = new URL(input);
    const secure = url.protocol === 'https:';
    if (init.signal?.aborted) return reject(abortError());
    // Node names an aborted request's error differently by stage; callers look for AbortError.
    const fail = (error: Error): void => reject(init.signal?.aborted ? abortError() : error);
    const send = secure ? httpsRequest : httpRequest;
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const options = { method: init.method ?? 'GET', headers, agent, signal: init.signal ?? undefined };
    const request = send(url, options, (response) => readResponse(response, resolve, fail));
    armConnectTimeout(request, connectTimeoutMs, secure);
    request.once('error', fail);
    request.end(requestBody(init.body));
  });

/**
 * A `fetch` for host clients on node:http(s) with a connect timeout, which the global fetch lacks.
 * The whole-call timeout comes from the caller's AbortSignal. Redirects are not followed. A request
 * is sent again only when it provably never reached the host (a reused connection had closed before
 * any byte was written): safe even for writes. Every other failure is the caller's to judge.
 */
export const createTimedFetch =
  (options: TimedFetchOptions): typeof fetch =>
  (input, init = {}) =>
    sendUntilSent(() => sendOnce(options, input, init), () => init.signal?.aborted === true);
