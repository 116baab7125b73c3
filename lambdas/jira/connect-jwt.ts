import { timingSafeEqual } from 'node:crypto';
import {
  AsymmetricAlgorithm,
  createQueryStringHash,
  decodeAsymmetric,
  decodeSymmetric,
  encodeSymmetric,
  SymmetricAlgorithm,
} from 'atlassian-jwt';
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

/** Reads header and claims without trusting them yet; refuses anything that is not a three-part JWT. */
export const inspectJwt = (token: string): { header: Record<string, unknown>; claims: Record<string, unknown> } => {
  const parts = token.split('.');
  if (parts.length !== 3) throw unauthenticated('the token is not a JWT');
  const header = decodeSegment(parts[0]);
  const claims = decodeSegment(parts[1]);
  if (!header || !claims) throw unauthenticated('the token is not a JWT');
  return { header, claims };
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

/** Atlassian's query string hash of a request (canonical method, path and query). */
export const queryStringHash = (request: SignedRequest, baseUrl?: string): string => {
  const pathname = new URL(request.path, 'http://qsh.invalid').pathname;
  return createQueryStringHash({ method: request.method.toUpperCase(), pathname, query: queryOf((request.rawQuery ?? rawQueryOf(request.query)).replace(/^\?/, '')) }, false, baseUrl);
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

/** Verifies an HS256 JWT signed with a tenant's shared secret. Only HS256 is accepted (never `none`). */
export const verifySymmetric = (token: string, secret: string): Record<string, unknown> => {
  const { header } = inspectJwt(token);
  if (header.alg !== 'HS256') throw unauthenticated(`the signing algorithm ${typeof header.alg === 'string' ? header.alg.slice(0, 10) : 'is missing and'} is not accepted`);
  try {
    return decodeSymmetric(token, secret, SymmetricAlgorithm.HS256) as Record<string, unknown>;
  } catch {
    throw unauthenticated('the signature does not verify');
  }
};

/** Verifies an RS256 JWT (Atlassian's signed install callbacks). */
export const verifyAsymmetric = (token: string, publicKeyPem: string): Record<string, unknown> => {
  const { header } = inspectJwt(token);
  if (header.alg !== 'RS256') throw unauthenticated('the install callback is not signed with RS256');
  try {
    return decodeAsymmetric(token, publicKeyPem, AsymmetricAlgorithm.RS256) as Record<string, unknown>;
  } catch {
    throw unauthenticated('the install signature does not verify');
  }
};

/** Signs a request as the app (outgoing calls to Jira's REST API). */
export const signAppRequest = (
  appKey: string,
  secret: string,
  request: SignedRequest,
  baseUrl: string,
  nowSeconds: number,
): string => encodeSymmetric({ iss: appKey, iat: nowSeconds, exp: nowSeconds + 180, qsh: queryStringHash(request, baseUrl) }, secret);
