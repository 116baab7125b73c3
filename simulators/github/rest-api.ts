import { randomBytes } from 'node:crypto';
import type { SimRequest, SimResponse } from '../kit/loopback-server';
import { createPull, listPulls } from './pull-routes';
import type { RateLimitLedger, RateLimitStatus } from './rate-limit-ledger';
import { createRef, deleteRef, getBranch, getRef, getRepository } from './repository-routes';
import { listBranches, listRepositoriesForUser } from './list-routes';
import { replyError, type Caller, type RouteContext, type RouteParams } from './route-context';
import type { SimulatorState } from './simulator-state';
import { basicError, privateUser, type HostView } from './wire-shapes';

const ENTERPRISE_PREFIX = '/api/v3';
const ENTERPRISE_VERSION = '3.17.0';
const DOTCOM_DOCS = 'https://docs.github.com/rest';
const ENTERPRISE_DOCS = 'https://docs.github.com/enterprise-server@3.17/rest';
const TOKEN_AUTHORIZATION = /^(?:token|bearer)\s+(\S+)$/i;

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly handler: (context: RouteContext) => SimResponse;
  /** What GitHub sends as `X-Accepted-OAuth-Scopes` for the route. */
  readonly acceptedScopes: string;
}

const getAuthenticated = (context: RouteContext): SimResponse => {
  if (!context.caller) return replyError(context, 401, 'Requires authentication', 'getAuthenticated');
  return context.reply(200, privateUser(context.view, context.caller.user, 0));
};

const REPO = '/repos/([^/]+)/([^/]+)';
const ROUTES: readonly Route[] = [
  { method: 'GET', pattern: /^\/user$/, handler: getAuthenticated, acceptedScopes: '' },
  { method: 'GET', pattern: new RegExp(`^${REPO}$`), handler: getRepository, acceptedScopes: 'repo' },
  { method: 'GET', pattern: new RegExp(`^${REPO}/branches/(.+)$`), handler: getBranch, acceptedScopes: 'repo' },
  { method: 'GET', pattern: /^\/user\/repos$/, handler: listRepositoriesForUser, acceptedScopes: '' },
  { method: 'GET', pattern: new RegExp(`^${REPO}/branches$`), handler: listBranches, acceptedScopes: 'repo' },
  { method: 'GET', pattern: new RegExp(`^${REPO}/git/ref/(.+)$`), handler: getRef, acceptedScopes: 'repo' },
  { method: 'POST', pattern: new RegExp(`^${REPO}/git/refs$`), handler: createRef, acceptedScopes: 'repo' },
  { method: 'DELETE', pattern: new RegExp(`^${REPO}/git/refs/(.+)$`), handler: deleteRef, acceptedScopes: 'repo' },
  { method: 'POST', pattern: new RegExp(`^${REPO}/pulls$`), handler: createPull, acceptedScopes: 'repo' },
  { method: 'GET', pattern: new RegExp(`^${REPO}/pulls$`), handler: listPulls, acceptedScopes: 'repo' },
];

type Authentication = { readonly outcome: 'anonymous' } | { readonly outcome: 'rejected' } | { readonly outcome: 'accepted'; readonly caller: Caller };

const requestId = (): string => {
  const hex = (bytes: number): string => randomBytes(bytes).toString('hex').toUpperCase();
  return `${hex(2)}:${hex(2)}:${hex(4)}:${hex(4)}:${hex(4)}`;
};

/** `2026-12-31 00:00:00 UTC`, the format of `github-authentication-token-expiration`. */
const expirationHeader = (expiresAt: Date): string => `${expiresAt.toISOString().slice(0, 19).replace('T', ' ')} UTC`;

const rateLimitHeaders = (status: RateLimitStatus): Record<string, string> => ({
  'x-ratelimit-limit': String(status.limit),
  'x-ratelimit-remaining': String(status.remaining),
  'x-ratelimit-reset': String(status.reset),
  'x-ratelimit-used': String(status.used),
  'x-ratelimit-resource': 'core',
});

const tokenHeaders = (caller: Caller | undefined, acceptedScopes: string): Record<string, string> => {
  if (!caller) return {};
  const headers: Record<string, string> = {};
  if (caller.token.kind === 'classic') {
    headers['x-oauth-scopes'] = caller.token.scopes.join(', ');
    headers['x-accepted-oauth-scopes'] = acceptedScopes;
  }
  if (caller.token.expiresAt) headers['github-authentication-token-expiration'] = expirationHeader(caller.token.expiresAt);
  return headers;
};

const decodeParams = (match: RegExpExecArray): RouteParams | undefined => {
  try {
    const [, owner = '', repo = '', rest = ''] = match.map((group) => decodeURIComponent(group ?? ''));
    return { owner, repo, rest };
  } catch {
    return undefined;
  }
};

/** GitHub's REST v3 for the routes patgate uses, at the root (github.com) and under /api/v3 (Enterprise Server). */
export class RestApi {
  readonly #state: SimulatorState;
  readonly #rateLimits: RateLimitLedger;

  constructor(state: SimulatorState, rateLimits: RateLimitLedger) {
    this.#state = state;
    this.#rateLimits = rateLimits;
  }

  handle(request: SimRequest): SimResponse {
    const enterprise = request.path === ENTERPRISE_PREFIX || request.path.startsWith(`${ENTERPRISE_PREFIX}/`);
    const path = enterprise ? request.path.slice(ENTERPRISE_PREFIX.length) : request.path;
    const view = this.#view(request, enterprise);
    const baseHeaders = this.#baseHeaders(view);
    const authentication = this.#authenticate(request);
    const reply = (status: number, body?: unknown, headers?: Readonly<Record<string, string>>): SimResponse => ({
      status,
      headers: { ...baseHeaders, ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }), ...headers },
      body,
    });
    if (authentication.outcome === 'rejected') return reply(401, basicError(view, 'Bad credentials', 'root', 401));
    const caller = authentication.outcome === 'accepted' ? authentication.caller : undefined;
    const rate = this.#consumeRateLimit(view, caller);
    if (rate?.exceeded) return reply(403, basicError(view, `API rate limit exceeded for user ID ${caller?.user.id}.`, 'rateLimits', 403), rateLimitHeaders(rate));
    const found = this.#route(request.method, path);
    const routeHeaders = { ...tokenHeaders(caller, found?.route.acceptedScopes ?? ''), ...(rate ? rateLimitHeaders(rate) : {}) };
    const routeReply = (status: number, body?: unknown, headers?: Readonly<Record<string, string>>): SimResponse =>
      reply(status, body, { ...routeHeaders, ...headers });
    if (!found) return routeReply(404, basicError(view, 'Not Found', 'root', 404));
    return found.route.handler({ state: this.#state, view, caller, params: found.params, rawBody: request.rawBody, query: request.query, path, reply: routeReply });
  }

  #view(request: SimRequest, enterprise: boolean): HostView {
    const webBase = `http://${request.headers.host ?? '127.0.0.1'}`;
    return enterprise
      ? { flavour: 'enterprise', apiBase: `${webBase}${ENTERPRISE_PREFIX}`, webBase, docsBase: ENTERPRISE_DOCS }
      : { flavour: 'dotcom', apiBase: webBase, webBase, docsBase: DOTCOM_DOCS };
  }

  #baseHeaders(view: HostView): Record<string, string> {
    return {
      'x-github-media-type': 'github.v3; format=json',
      'x-github-api-version-selected': '2022-11-28',
      'x-github-request-id': requestId(),
      ...(view.flavour === 'enterprise' ? { 'x-github-enterprise-version': ENTERPRISE_VERSION } : {}),
    };
  }

  #authenticate(request: SimRequest): Authentication {
    const header = request.headers.authorization;
    if (header === undefined) return { outcome: 'anonymous' };
    const value = TOKEN_AUTHORIZATION.exec(header.trim())?.[1];
    const found = value === undefined ? undefined : this.#state.authenticate(value);
    return found ? { outcome: 'accepted', caller: found } : { outcome: 'rejected' };
  }

  /** Enterprise Server ships with rate limiting off, so only the github.com flavour counts requests. */
  #consumeRateLimit(view: HostView, caller: Caller | undefined): (RateLimitStatus & { readonly exceeded: boolean }) | undefined {
    if (view.flavour === 'enterprise' || !caller) return undefined;
    return this.#rateLimits.consume(caller.user.login, this.#state.now());
  }

  #route(method: string, path: string): { route: Route; params: RouteParams } | undefined {
    for (const route of ROUTES) {
      const match = route.method === method ? route.pattern.exec(path) : null;
      const params = match ? decodeParams(match) : undefined;
      if (params) return { route, params };
    }
    return undefined;
  }
}
