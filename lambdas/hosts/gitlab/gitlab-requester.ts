import * as http from 'node:http';
import * as https from 'node:https';
import type { Socket } from 'node:net';
import {
  createRequesterFn,
  type FormattedResponse,
  type RequestOptions,
  type RequesterType,
  type ResourceOptions,
} from '@gitbeaker/requester-utils';
import { GitbeakerRequestError, GitbeakerTimeoutError } from '@gitbeaker/rest';
import { READ_RETRY_DELAYS_MS, retryRead, sendUntilSent, TRANSIENT_STATUSES } from '../host-call';
import type { OutboundConnections } from '../outbound-connections';

/**
 * Gitbeaker's own request handler retries 429 and 502 ten times for every method (writes too) and
 * has no connect timeout. This one replaces it: node:http with a connect timeout and a whole-call
 * deadline, retries only GETs on 502/503/504 or a reset connection (at most twice), never a 429.
 * Any method is sent again when it provably never reached the host (a reused keep-alive connection had
 * closed before one byte was written). Connections are the guarded keep-alive pool (outbound-connections.ts).
 * Failures keep gitbeaker's error classes so `mapGitLabError` reads them the same way.
 */
export interface GitLabRequesterLimits {
  readonly connectTimeoutMs: number;
  /** Aborts every request of one adapter call once the call's budget is spent. */
  readonly deadline: AbortSignal;
  readonly connections: OutboundConnections;
}

export type GitLabRequesterFn = (resourceOptions: ResourceOptions) => RequesterType;

const MAX_RESPONSE_BYTES = 1024 * 1024;

interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly text: string;
}

interface OutgoingRequest {
  readonly url: URL;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
}

class ConnectTimeoutError extends Error {
  constructor() {
    super('Connection timeout was reached');
    this.name = 'ConnectTimeoutError';
  }
}

class ResponseTooLargeError extends Error {
  constructor() {
    super('The host answered with a body over 1 MiB');
    this.name = 'ResponseTooLargeError';
  }
}

const flattenHeaders = (headers: http.IncomingHttpHeaders): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers)
      .filter((entry): entry is [string, string | string[]] => entry[1] !== undefined)
      .map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]),
  );

const clearOnConnect = (socket: Socket, timer: NodeJS.Timeout): void => {
  if (!socket.connecting) {
    clearTimeout(timer);
    return;
  }
  socket.once('connect', () => clearTimeout(timer));
};

const collectAnswer = (res: http.IncomingMessage, req: http.ClientRequest): Promise<RawAnswer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_RESPONSE_BYTES) req.destroy(new ResponseTooLargeError());
      else chunks.push(chunk);
    });
    res.once('error', reject);
    res.once('close', () => {
      if (!res.complete) reject(new Error('The host closed the connection mid-answer'));
    });
    res.once('end', () =>
      resolve({ status: res.statusCode ?? 0, headers: flattenHeaders(res.headers), text: Buffer.concat(chunks).toString('utf8') }),
    );
  });

interface Transport {
  readonly connectTimeoutMs: number;
  readonly connections: OutboundConnections;
}

const sendOnce = (request: OutgoingRequest, { connectTimeoutMs, connections }: Transport, signal: AbortSignal): Promise<RawAnswer> =>
  new Promise((resolve, reject) => {
    const transport = request.url.protocol === 'https:' ? https : http;
    const headers = request.body === undefined ? request.headers : { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) };
    const req = transport.request(request.url, { method: request.method, headers, signal, agent: connections.agentFor(request.url) });
    const connectTimer = setTimeout(() => req.destroy(new ConnectTimeoutError()), connectTimeoutMs);
    req.once('socket', (socket) => clearOnConnect(socket, connectTimer));
    req.once('close', () => clearTimeout(connectTimer));
    req.once('error', reject);
    req.once('response', (res) => collectAnswer(res, req).then(resolve, reject));
    req.end(request.body);
  });

/** Duck-typed: errors from node:http may come from another realm (Jest's sandbox) and fail instanceof. */
const isConnectionReset = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === 'ECONNRESET';

/** Timeouts become GitbeakerTimeoutError; everything else stays a connection failure. */
const asTimeout = (error: unknown, signal: AbortSignal): unknown =>
  signal.aborted || error instanceof ConnectTimeoutError ? new GitbeakerTimeoutError('Query timeout was reached') : error;

/** A 502/503/504 answer, thrown so that `retryRead` tries a GET again; the last one is returned as it is. */
class TransientAnswer extends Error {
  constructor(readonly answer: RawAnswer) {
    super(`The host answered ${answer.status}`);
  }
}

/** Transient for a GET: a gateway answer, or a reset connection while the call has time left. */
const isTransientFor =
  (signal: AbortSignal) =>
  (error: unknown): boolean =>
    error instanceof TransientAnswer || (!signal.aborted && isConnectionReset(error));

/** Any method is sent again, at once, while it provably never left; only GETs are retried after a backoff. */
const sendWithRetries = async (request: OutgoingRequest, transport: Transport, signal: AbortSignal): Promise<RawAnswer> => {
  const delays = request.method === 'GET' ? READ_RETRY_DELAYS_MS : [];
  // No budget check of its own: the deadline signal ends the call (and the backoff) when it fires.
  const budget = { signal, remainingMs: () => Number.POSITIVE_INFINITY };
  let attempt = 0;
  try {
    return await retryRead(
      budget,
      async () => {
        const answer = await sendUntilSent(() => sendOnce(request, transport, signal), () => signal.aborted);
        const last = attempt++ >= delays.length;
        if (!last && TRANSIENT_STATUSES.has(answer.status)) throw new TransientAnswer(answer);
        return answer;
      },
      isTransientFor(signal),
      delays,
    );
  } catch (error) {
    if (error instanceof TransientAnswer) return error.answer;
    throw asTimeout(error, signal);
  }
};

/** Gitbeaker's own rule for the error description: the body's `error`, else its `message`, else the text. */
const describe = (answer: RawAnswer): string => {
  if (!(answer.headers['content-type'] ?? '').includes('application/json')) return answer.text;
  try {
    const parsed = JSON.parse(answer.text) as { error?: unknown; message?: unknown } | null;
    const content = parsed?.error ?? parsed?.message ?? '';
    return typeof content === 'string' ? content : JSON.stringify(content);
  } catch {
    return answer.text;
  }
};

const failedRequestError = (request: OutgoingRequest, answer: RawAnswer): GitbeakerRequestError => {
  const description = describe(answer);
  // The Request copy carries no headers: nothing that logs this error can print the token.
  const requestCopy = new Request(request.url, { method: request.method });
  const response = new Response(answer.text, { status: answer.status, headers: answer.headers });
  return new GitbeakerRequestError(description, { cause: { description, request: requestCopy, response } });
};

/** A 2xx body the way gitbeaker reads it; JSON that does not parse throws (HOST_UNAVAILABLE upstream). */
const parseBody = (answer: RawAnswer): unknown => {
  if (answer.status === 204) return null;
  const contentType = (answer.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
  if (contentType === 'application/json') return answer.text === '' ? {} : (JSON.parse(answer.text) as unknown) ?? {};
  return answer.text;
};

const toOutgoingRequest = (endpoint: string, options: RequestOptions): OutgoingRequest => {
  if (options.body !== undefined && typeof options.body !== 'string') throw new TypeError('Form bodies are not supported');
  const prefix = options.prefixUrl ?? '';
  const url = new URL(endpoint, prefix.endsWith('/') ? prefix : `${prefix}/`);
  url.search = options.searchParams ?? '';
  return {
    url,
    method: options.method ?? 'GET',
    headers: { accept: 'application/json', 'user-agent': 'patgate', ...(options.headers ?? {}) },
    body: options.body,
  };
};

export const createGitLabRequester = (limits: GitLabRequesterLimits): GitLabRequesterFn =>
  createRequesterFn(
    (_resourceOptions, requestOptions) => Promise.resolve(requestOptions),
    async (endpoint, rawOptions) => {
      const options = (rawOptions ?? {}) as RequestOptions;
      const request = toOutgoingRequest(endpoint, options);
      const signal = options.signal ? AbortSignal.any([limits.deadline, options.signal]) : limits.deadline;
      const answer = await sendWithRetries(request, limits, signal);
      if (answer.status < 200 || answer.status >= 300) throw failedRequestError(request, answer);
      const response: FormattedResponse = { status: answer.status, headers: answer.headers, body: parseBody(answer) as FormattedResponse['body'] };
      return response;
    },
  );
