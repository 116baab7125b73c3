import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '../lambdas/domain/errors';
import type { ApiEvent, ApiResponse } from '../lambdas/http/api-types';
import { problemResponse } from '../lambdas/http/problem-response';

export type LambdaHandler = (event: ApiEvent) => Promise<ApiResponse>;

/** Serves what is not an API route (locally: the simulated Jira site and the built pages). */
export type FallbackHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** A route as API Gateway knows it: the route key and the function behind it. */
export interface LocalRoute {
  readonly routeKey: string;
  readonly handler: LambdaHandler;
}

interface CompiledRoute extends LocalRoute {
  readonly method: string;
  /** The route's path segments: literal text, `{name}` (one segment) or a final `{name+}` (the rest). */
  readonly segments: readonly Segment[];
}

type Segment = { readonly literal: string } | { readonly name: string; readonly greedy: boolean };

// API Gateway's own cap is 10 MB; reading stops well before that, the handlers enforce 64 KiB.
const MAX_READ_BYTES = 1024 * 1024;

const compile = (route: LocalRoute): CompiledRoute => {
  const [method = 'GET', path = '/'] = route.routeKey.split(' ');
  const segments = path.split('/').slice(1).map((part): Segment => {
    const variable = /^\{(\w+)(\+)?\}$/.exec(part);
    return variable ? { name: variable[1] ?? '', greedy: variable[2] === '+' } : { literal: part };
  });
  return { ...route, method, segments };
};

/**
 * Matching as API Gateway HTTP APIs do it ("Working with routes for HTTP APIs"): the request path is
 * URL-decoded once before it is matched, so an encoded slash (`%2F`) separates segments like `/`
 * does and `a%2Fb` never fits one `{param}`; `{param}` takes exactly one non-empty segment, a final
 * `{param+}` the rest; "API Gateway decodes URL-encoded request parameters before passing them to
 * the backend integration", so a parameter value is its matched segment decoded once more (what
 * `%252F` in a request becomes: `/`). A path that does not decode matches no route.
 */
export const matchRoute = (segments: readonly Segment[], rawPath: string): Record<string, string> | undefined => {
  const decoded = strictDecode(rawPath);
  if (decoded === undefined || !decoded.startsWith('/')) return undefined;
  const parts = decoded.split('/').slice(1);
  const parameters: Record<string, string> = {};
  for (let i = 0; i < segments.length; i += 1) {
    const segment = segments[i] as Segment;
    const part = parts[i];
    if ('literal' in segment) {
      if (part !== segment.literal) return undefined;
      continue;
    }
    const value = segment.greedy ? parts.slice(i).join('/') : part;
    if (value === undefined || value === '') return undefined;
    parameters[segment.name] = strictDecode(value) ?? value;
    if (segment.greedy) return parameters;
  }
  return parts.length === segments.length ? parameters : undefined;
};

const strictDecode = (text: string): string | undefined => {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
};

/**
 * The local stand-in for API Gateway (HTTP API, payload format 2.0): it turns each HTTP request into
 * the event API Gateway would send, and calls the same handler Lambda runs.
 */
export class LocalApiServer {
  readonly #routes: CompiledRoute[];
  #server: Server | undefined;
  #fallback: FallbackHandler | undefined;

  constructor(routes: readonly LocalRoute[]) {
    this.#routes = routes.map(compile);
  }

  async start(port: number, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => void this.#serve(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(error.code === 'EADDRINUSE' ? new Error(`port ${port} is already in use: stop what uses it or set PORT`) : error),
      );
      server.listen(port, host, () => resolve());
    });
    this.#server = server;
    return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${(server.address() as AddressInfo).port}`;
  }

  /** Non-API paths (not under /api/ and matching no route) go to this handler instead of a 404. */
  setFallback(fallback: FallbackHandler | undefined): void {
    this.#fallback = fallback;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    const method = (req.method ?? 'GET').toUpperCase();
    if (this.#fallback && !url.pathname.startsWith('/api/') && !this.#routes.some((route) => matchRoute(route.segments, url.pathname) !== undefined)) {
      await this.#fallback(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('local site error');
      });
      return;
    }
    let response: ApiResponse;
    try {
      const body = await readLimited(req);
      response = await this.#dispatch(req, url, method, body);
    } catch (error) {
      response = problemResponse(error, randomUUID(), url.pathname);
    }
    res.writeHead(response.statusCode, response.headers);
    res.end(response.body);
  }

  async #dispatch(req: IncomingMessage, url: URL, method: string, body: string): Promise<ApiResponse> {
    let pathMatched = false;
    for (const route of this.#routes) {
      const pathParameters = matchRoute(route.segments, url.pathname);
      if (!pathParameters) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      return route.handler(toEvent(req, url, method, route.routeKey, pathParameters, body));
    }
    if (pathMatched) throw new AppError('METHOD_NOT_ALLOWED', `${method} is not allowed here.`);
    throw new AppError('NOT_FOUND', 'No such route.');
  }
}

const readLimited = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_READ_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        reject(new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large.'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const toEvent = (
  req: IncomingMessage,
  url: URL,
  method: string,
  routeKey: string,
  pathParameters: Record<string, string>,
  body: string,
): ApiEvent => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: { method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    body: body === '' ? undefined : body,
    isBase64Encoded: false,
  } as ApiEvent;
};
