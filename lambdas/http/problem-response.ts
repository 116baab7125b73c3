import { STATUS_CODES } from 'node:http';
import { ZodError } from 'zod';
import { AppError, isAppError } from '../domain/errors';
import { fromZodError } from '../domain/zod-errors';
import type { ApiResponse } from './api-types';

export { fromZodError };

/**
 * RFC 9457 problem+json from any thrown value; internal errors say nothing of their cause.
 *
 * `type` is `about:blank` (RFC 9457 §4.2.1), so `title` is the HTTP status phrase; what went wrong
 * is the stable `code` extension (the key clients branch on, listed in docs/api.md and the OpenAPI
 * document) and the human `detail`. No per-code `type` URL: one that nobody serves would be a
 * dead link in every error body.
 */
export const problemResponse = (thrown: unknown, correlationId: string, instance?: string): ApiResponse => {
  const error = thrown instanceof ZodError ? fromZodError(thrown) : isAppError(thrown) ? thrown : new AppError('INTERNAL', 'An internal error occurred.');
  const body: Record<string, unknown> = {
    type: 'about:blank',
    title: STATUS_CODES[error.status] ?? (error.status >= 500 ? 'Server Error' : 'Request Refused'),
    status: error.status,
    code: error.code,
    detail: error.message,
    ...(instance ? { instance } : {}),
    correlationId,
    ...error.extensions,
  };
  if (error.errors) body.errors = error.errors;
  if (error.retryAfterSeconds !== undefined) body.retryAfterSeconds = error.retryAfterSeconds;
  const headers: Record<string, string> = { 'content-type': 'application/problem+json', 'x-correlation-id': correlationId };
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.retryAfterSeconds);
  if (error.code === 'UNAUTHENTICATED') headers['www-authenticate'] = 'Bearer realm="patgate"';
  return { statusCode: error.status, headers, body: JSON.stringify(body) };
};
