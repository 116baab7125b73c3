import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { AppError } from '../domain/errors';
import type { Caller, RequestAuthenticator } from '../jira/request-authenticator';
import { logger } from '../observability/logger';
import { powertools } from '../observability/powertools-middleware';
import type { ApiEvent, ApiRequest, ApiResponse, ApiResult } from './api-types';
import { routeKeyOf, type Access, type CallerAccess, type RouteSpec, type UncalledAccess } from './route-spec';
import { originGuardFromEnvironment, type OriginGuard } from './origin-guard';
import { problemResponse } from './problem-response';

export const MAX_BODY_BYTES = 64 * 1024;

export type { Access } from './route-spec';

/** What a `public` or `lifecycle` route's handler gets: the request, and no caller. */
export interface RequestContext {
  readonly request: ApiRequest;
}

/** What an `admin` or `user` route's handler gets: the request and its authenticated caller. */
export interface RouteContext extends RequestContext {
  readonly caller: Caller;
}

interface RouteBase {
  readonly routeKey: string;
  /** See RouteSpec.tenantCheckedInRead. */
  readonly tenantCheckedInRead?: true;
  /** The manifest modules whose FITs may reach the route (RouteSpec.modules); none: only `public`. */
  readonly modules?: readonly string[];
}

/** A route nobody signs in to: health and the document (`public`), or one that verifies its own caller (`lifecycle`). */
export interface UncalledRoute extends RouteBase {
  readonly access: UncalledAccess;
  readonly handle: (context: RequestContext) => Promise<ApiResult>;
}

export interface CallerRoute extends RouteBase {
  readonly access: CallerAccess;
  readonly handle: (context: RouteContext) => Promise<ApiResult>;
}

/** A route as the pipeline serves it: a union by `access`, so only `admin`/`user` handlers see a caller. */
export type RouteDefinition = UncalledRoute | CallerRoute;

type HandleFor<A extends Access> = A extends CallerAccess ? CallerRoute['handle'] : UncalledRoute['handle'];

/** Binds one handler to every route of a table (lambdas/handlers/routes); the types ask for exactly one per route. */
export const bindRoutes = <S extends Readonly<Record<string, RouteSpec>>>(routes: S, handlers: { readonly [K in keyof S]: HandleFor<S[K]['access']> }): RouteDefinition[] =>
  Object.keys(routes).map((name): RouteDefinition => {
    const route = routes[name] as RouteSpec;
    const routeKey = routeKeyOf(route);
    const handle = handlers[name] as HandleFor<Access>;
    const checked = route.tenantCheckedInRead ? { tenantCheckedInRead: true as const } : {};
    const modules = route.modules ? { modules: route.modules } : {};
    return isCallerAccess(route.access)
      ? { routeKey, access: route.access, ...checked, ...modules, handle: handle as CallerRoute['handle'] }
      : { routeKey, access: route.access, ...checked, ...modules, handle: handle as UncalledRoute['handle'] };
  });

const isCallerAccess = (access: Access): access is CallerAccess => access === 'admin' || access === 'user';
const hasCaller = (route: RouteDefinition): route is CallerRoute => isCallerAccess(route.access);

export interface ApiHandlerDependencies {
  readonly authenticator: () => RequestAuthenticator;
  /** Refuses requests that did not come through the front (lambdas/http/origin-guard.ts). @default from PATGATE_ORIGIN_VERIFY */
  readonly originGuard?: OriginGuard;
}

type Handler = (event: ApiEvent, context?: Partial<Context>) => Promise<ApiResponse>;

const lowerCaseHeaders = (headers: ApiEvent['headers']): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));

/**
 * `lenient`: lifecycle routes authenticate before they look at the body, so an unsigned caller
 * learns nothing from body errors: a body that is not JSON reaches them as `undefined`.
 */
const readBody = (event: ApiEvent, headers: Record<string, string | undefined>, lenient = false): { raw: string; parsed: unknown } => {
  const raw = event.body === undefined || event.body === null ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', `The request body exceeds ${MAX_BODY_BYTES} bytes.`);
  if (raw.trim() === '') return { raw, parsed: undefined };
  const type = headers['content-type'] ?? '';
  if (lenient) {
    try {
      return { raw, parsed: /^application\/([a-z.+-]*\+)?json\b/i.test(type) ? (JSON.parse(raw) as unknown) : undefined };
    } catch {
      return { raw, parsed: undefined };
    }
  }
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type)) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json.');
  }
  try {
    return { raw, parsed: JSON.parse(raw) as unknown };
  } catch {
    throw new AppError('VALIDATION_FAILED', 'The request body is not valid JSON.', { errors: [{ field: '(body)', message: 'malformed JSON' }] });
  }
};

const toRequest = (event: ApiEvent, correlationId: string, lenientBody = false): ApiRequest => {
  const headers = lowerCaseHeaders(event.headers);
  const { raw, parsed } = readBody(event, headers, lenientBody);
  return {
    method: event.requestContext.http.method.toUpperCase(),
    routeKey: event.routeKey,
    path: event.rawPath,
    pathParameters: event.pathParameters ?? {},
    query: event.queryStringParameters ?? {},
    rawQuery: event.rawQueryString ?? '',
    headers,
    body: parsed,
    rawBody: raw,
    correlationId,
  };
};

const toResponse = (result: ApiResult, correlationId: string): ApiResponse => {
  const headers: Record<string, string> = { 'x-correlation-id': correlationId, ...(result.headers ?? {}) };
  if (result.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    return { statusCode: result.status, headers, body: result.json };
  }
  if (result.body === undefined) return { statusCode: result.status, headers, body: '' };
  headers['content-type'] ??= 'application/json';
  return { statusCode: result.status, headers, body: JSON.stringify(result.body) };
};

/**
 * The pipeline every API Lambda runs: correlation id, body limits and JSON parsing, FIT
 * authentication (the route's modules only) and permission checks, then the route; every failure
 * becomes problem+json.
 */
export const createApiHandler = (routes: readonly RouteDefinition[], deps: ApiHandlerDependencies): Handler => {
  const byKey = new Map(routes.map((r) => [r.routeKey, r]));
  const originGuard = deps.originGuard ?? originGuardFromEnvironment();

  const base = async (event: ApiEvent): Promise<ApiResponse> => {
    const correlationId = correlationIdOf(event);
    logger.appendKeys({ correlationId, routeKey: event.routeKey });
    try {
      // Before anything else: a caller that skipped CloudFront learns nothing of routes or bodies.
      originGuard(lowerCaseHeaders(event.headers));
      const route = byKey.get(event.routeKey);
      if (!route) throw new AppError('NOT_FOUND', 'No such route.');
      const request = toRequest(event, correlationId, route.access === 'lifecycle');
      const result = await serve(route, request, deps);
      logger.info('request handled', { status: result.status });
      return toResponse(result, correlationId);
    } catch (error) {
      const response = problemResponse(error, correlationId, event.rawPath);
      const log = response.statusCode >= 500 ? logger.error.bind(logger) : logger.info.bind(logger);
      log('request refused', { status: response.statusCode, code: JSON.parse(response.body).code, error: describe(error) });
      return response;
    } finally {
      logger.removeKeys(['correlationId', 'routeKey', 'tenant', 'accountId']);
    }
  };

  const handler = middy<ApiEvent, ApiResponse>().use(powertools()).handler(base);
  return (event, context) => handler(event, (context ?? {}) as Context);
};

const correlationIdOf = (event: ApiEvent): string => {
  const given = event.headers?.['x-correlation-id'] ?? event.headers?.['X-Correlation-Id'];
  return given && /^[A-Za-z0-9._-]{1,100}$/.test(given) ? given : event.requestContext?.requestId ?? randomUUID();
};

const describe = (error: unknown): Record<string, unknown> =>
  error instanceof AppError
    ? { code: error.code, message: error.message, cause: error.cause instanceof Error ? error.cause.message : undefined }
    : error instanceof Error
      ? { name: error.name, message: error.message, stack: error.stack }
      : { value: String(error) };

/** Public and lifecycle routes run without a caller; admin and user routes only after authentication. */
const serve = async (route: RouteDefinition, request: ApiRequest, deps: ApiHandlerDependencies): Promise<ApiResult> => {
  if (hasCaller(route)) return route.handle({ request, caller: await authorize(route, request, deps) });
  return route.handle({ request });
};

const authorize = async (route: CallerRoute, request: ApiRequest, deps: ApiHandlerDependencies): Promise<Caller> => {
  // A write re-reads the tenant rather than trusting a cached copy (uninstall races), unless the
  // route's own first read re-checks it (git actions: the tenant item is in their one BatchGetItem).
  const write = request.method !== 'GET' && request.method !== 'HEAD' && route.tenantCheckedInRead !== true;
  // A route naming no modules takes no FIT at all (fail closed).
  const caller = await deps.authenticator().authenticate(request, { write, modules: route.modules ?? [] });
  logger.appendKeys({ tenant: caller.tenant.clientKey, accountId: caller.accountId });
  if (route.access === 'admin') await caller.requireAdmin();
  return caller;
};
