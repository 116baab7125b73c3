import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '../domain/errors';

/**
 * The header CloudFront adds to every request it forwards to the API (lib/front.ts). The API's own
 * host name (origin.<domain>) is public DNS, so without this check a caller could skip CloudFront
 * and its WAF allow-list (docs/architecture.md §4, "Origin bypass").
 */
export const ORIGIN_VERIFY_HEADER = 'x-patgate-origin-verify';

/**
 * The values the functions accept, comma-separated: the one CloudFront sends and, during a
 * rotation, the previous one (docs/operations.md, "Rotating the origin secret"). Set by the stack
 * only when a front exists; unset (local runtime, stacks without a domain) means no check.
 */
export const ORIGIN_VERIFY_VARIABLE = 'PATGATE_ORIGIN_VERIFY';

/** Shorter values are a misconfiguration (Secrets Manager generates 64 characters). */
const MIN_SECRET_LENGTH = 32;

/** Throws 403 unless the request carries one of the accepted values; a no-op without any. */
export type OriginGuard = (headers: Readonly<Record<string, string | undefined>>) => void;

// Equal-length digests, so the comparison takes the same time whatever the caller sent.
const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

export const originGuardOf = (accepted: readonly string[]): OriginGuard => {
  if (accepted.length === 0) return () => undefined;
  for (const value of accepted) {
    if (value.length < MIN_SECRET_LENGTH) throw new Error(`${ORIGIN_VERIFY_VARIABLE}: every value must have at least ${MIN_SECRET_LENGTH} characters`);
  }
  const digests = accepted.map(digest);
  return (headers) => {
    const sent = headers[ORIGIN_VERIFY_HEADER];
    const given = sent === undefined ? undefined : digest(sent);
    // Every accepted value is compared, so timing says nothing about which one matched.
    const matched = digests.reduce((found, expected) => (given !== undefined && timingSafeEqual(given, expected)) || found, false);
    if (!matched) throw new AppError('FORBIDDEN', 'Requests reach patgate only through its public host name.', { extensions: { reason: 'not-through-front' } });
  };
};

/** Read once when a handler is created (module load in Lambda): the values live for the container. */
export const originGuardFromEnvironment = (env: NodeJS.ProcessEnv = process.env): OriginGuard =>
  originGuardOf(
    (env[ORIGIN_VERIFY_VARIABLE] ?? '')
      .split(',')
      .map((value) => value.trim())
      .filter((value) => value !== ''),
  );
