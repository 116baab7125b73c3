import { createHash, createHmac, timingSafeEqual, verify } from 'node:crypto';
import { AppError } from '../domain/errors';

/**
 * The request a JWT's `qsh` claim must match. `rawQuery` is the query string exactly as sent
 * (API Gateway's `rawQueryString`): Atlassian hashes repeated parameters as one sorted,
 * comma-joined list of individually encoded values, which API Gateway's comma-joined
 * `queryStringParameters` cannot reproduce (`?a=1&a=2` and `?a=1,2` would look the same).
 */
export interface SignedRequest {
  readonly method: string;
  readonly path: string;
  /** As sent; preferred. */
  readonly rawQuery?: string;
  /** Decoded single-valued parameters, for requests this code builds itself (used when `rawQuery` is absent). */
  readonly query?: Readonly<Record<string, string | undefined>>;
}

export interface JwtClaims {
  readonly iss: string;
  readonly sub?: string;
  readonly exp: number;
  readonly iat?: number;
  readonly qsh?: string;
  readonly aud?: string | readonly string[];
  readonly [claim: string]: unknown;
}

export const CONTEXT_QSH = 'context-qsh';

const unauthenticated = (reason: string): AppError => new AppError('UNAUTHENTICATED', `Authentication failed: ${reason}.`);

const decodeSegment = (segment: string | undefined): Record<string, unknown> | undefined => {
  if (!segment) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/** A JWT taken apart, nothing trusted yet: what its signature covers (`header.claims` as sent) and the signature as sent. */
interface InspectedJwt {
  readonly header: Record<string, unknown>;
  readonly claims: Record<string, unknown>;
  readonly signingInput: string;
  readonly signature: string;
}

/** Reads header and claims without trusting them yet; refuses anything that is not a three-part JWT. */
export const inspectJwt = (token: string): InspectedJwt => {
  const parts = token.split('.');
  if (parts.length !== 3) throw unauthenticated('the token is not a JWT');
  const [head = '', payload = '', signature = ''] = parts;
  const header = decodeSegment(head);
  const claims = decodeSegment(payload);
  if (!header || !claims) throw unauthenticated('the token is not a JWT');
  return { header, claims, signingInput: `${head}.${payload}`, signature };
};

/** Extracts the token from `Authorization: JWT <token>` (Connect's scheme; `Bearer` tolerated). */
export const tokenFromAuthorization = (authorization: string | undefined): string => {
  if (!authorization) throw unauthenticated('no Authorization header');
  const match = /^(?:JWT|Bearer)\s+(\S+)$/i.exec(authorization.trim());
  if (!match?.[1]) throw unauthenticated('the Authorization header is not "JWT <token>"');
  return match[1];
};

/** Parses a raw query string keeping every value of a repeated parameter. */
const queryOf = (rawQuery: string): Record<string, string | string[]> => {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(rawQuery)) {
    if (key === '__proto__') continue;
    const existing = query[key];
    query[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return query;
};

/** RFC 3986 percent-encoding of everything but the unreserved characters (as OAuth 1 and Connect's qsh do). */
const encodeRfc3986 = (value: string): string => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * The canonical path: the site's context path (a base URL's path) removed, `&` encoded, a leading
 * slash, no trailing one.
 */
const canonicalPath = (pathname: string, baseUrl: string | undefined): string => {
  // The path as the base URL writes it (none for `https://site.atlassian.net`, `/` with a trailing slash).
  const contextPath = baseUrl === undefined ? '' : (/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i.exec(baseUrl)?.[1] ?? '');
  let path = contextPath !== '' && pathname.startsWith(contextPath) ? pathname.slice(contextPath.length) : pathname;
  if (path === '') return '/';
  path = path.replace(/&/g, '%26');
  if (!path.startsWith('/')) path = `/${path}`;
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
};

/** The canonical query: `jwt` left out, keys sorted, a repeated parameter's values sorted and comma-joined, all RFC 3986-encoded. */
const canonicalQuery = (query: Readonly<Record<string, string | string[]>>): string =>
  Object.keys(query)
    .filter((key) => key !== 'jwt')
    .sort()
    .map((key) => {
      const value = query[key] ?? '';
      return `${encodeRfc3986(key)}=${Array.isArray(value) ? [...value].sort().map(encodeRfc3986).join(',') : encodeRfc3986(value)}`;
    })
    .join('&');

/**
 * Atlassian's query string hash of a request: SHA-256 of `METHOD&canonical path&canonical query`
 * (Connect's JWT `qsh`). test/unit/connect-jwt-reference.test.ts holds it to atlassian-jwt's
 * `createQueryStringHash`, the reference implementation the Jira simulator signs with.
 */
export const queryStringHash = (request: SignedRequest, baseUrl?: string): string => {
  const pathname = new URL(request.path, 'http://qsh.invalid').pathname;
  const query = queryOf((request.rawQuery ?? rawQueryOf(request.query)).replace(/^\?/, ''));
  const canonical = `${request.method.toUpperCase()}&${canonicalPath(pathname, baseUrl)}&${canonicalQuery(query)}`;
  return createHash('sha256').update(canonical).digest('hex');
};

/** A raw query string from decoded parameters (for callers that build requests, not receive them). */
export const rawQueryOf = (query: Readonly<Record<string, string | undefined>> = {}): string =>
  new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined)).toString();

const sameText = (a: string, b: string): boolean => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

export const checkExpiry = (claims: Record<string, unknown>, nowSeconds: number): void => {
  if (typeof claims.exp !== 'number') throw unauthenticated('the token has no expiry (exp)');
  if (claims.exp < nowSeconds) throw unauthenticated('the token has expired');
};

export const checkQsh = (claims: Record<string, unknown>, request: SignedRequest, allowContextQsh: boolean): boolean => {
  const qsh = claims.qsh;
  if (typeof qsh !== 'string') throw unauthenticated('the token has no query string hash (qsh)');
  if (qsh === CONTEXT_QSH) {
    if (!allowContextQsh) throw unauthenticated('a context token is not accepted on this route');
    return true;
  }
  if (!sameText(qsh, queryStringHash(request))) throw unauthenticated('the query string hash (qsh) does not match the request');
  return false;
};

const hs256 = (signingInput: string, secret: string): string => createHmac('sha256', secret).update(signingInput).digest('base64url');

/** Verifies an HS256 JWT signed with a tenant's shared secret. Only HS256 is accepted (never `none`). */
export const verifySymmetric = (token: string, secret: string): Record<string, unknown> => {
  const { header, claims, signingInput, signature } = inspectJwt(token);
  if (header.alg !== 'HS256') throw unauthenticated(`the signing algorithm ${typeof header.alg === 'string' ? header.alg.slice(0, 10) : 'is missing and'} is not accepted`);
  // The signature as sent, compared with ours in constant time (its encoding too, as Atlassian's library does).
  if (!sameText(signature, hs256(signingInput, secret))) throw unauthenticated('the signature does not verify');
  return claims;
};

/** Verifies an RS256 JWT (Atlassian's signed install callbacks). */
export const verifyAsymmetric = (token: string, publicKeyPem: string): Record<string, unknown> => {
  const { header, claims, signingInput, signature } = inspectJwt(token);
  if (header.alg !== 'RS256') throw unauthenticated('the install callback is not signed with RS256');
  const verified = (() => {
    try {
      return verify('RSA-SHA256', Buffer.from(signingInput), publicKeyPem, Buffer.from(signature, 'base64url'));
    } catch {
      return false; // not a key
    }
  })();
  if (!verified) throw unauthenticated('the install signature does not verify');
  return claims;
};

const base64urlJson = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Signs a request as the app (outgoing calls to Jira's REST API). */
export const signAppRequest = (
  appKey: string,
  secret: string,
  request: SignedRequest,
  baseUrl: string,
  nowSeconds: number,
): string => {
  const signingInput = `${base64urlJson({ typ: 'JWT', alg: 'HS256' })}.${base64urlJson({ iss: appKey, iat: nowSeconds, exp: nowSeconds + 180, qsh: queryStringHash(request, baseUrl) })}`;
  return `${signingInput}.${hs256(signingInput, secret)}`;
};
