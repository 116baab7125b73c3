import { ZodError } from 'zod';
import { AppError, isAppError, validationFailed } from '../domain/errors';
import type { ApiResponse } from './api-types';

const TITLES: Partial<Record<AppError['code'], string>> = {
  UNAUTHENTICATED: 'Not authenticated',
  FORBIDDEN: 'Forbidden',
  NOT_FOUND: 'Not found',
  VALIDATION_FAILED: 'The request is not valid',
  CONFLICT: 'Conflict',
  PRECONDITION_FAILED: 'The resource has changed',
  PAYLOAD_TOO_LARGE: 'The request body is too large',
  PAT_REQUIRED: 'Personal access token required',
  PAT_EXPIRED: 'Personal access token expired',
  PAT_INVALID: 'Personal access token no longer valid',
  PAT_NOT_SUPPORTED: 'Personal access tokens are not supported by this server',
  TOKEN_REJECTED: 'The token was rejected',
  HOST_RATE_LIMITED: 'The git host is rate limiting requests',
  HOST_UNAVAILABLE: 'The git host is unavailable',
  HOST_TIMEOUT: 'The git host did not answer in time',
  JIRA_UNAVAILABLE: 'Jira is unavailable',
};

/** Turns a ZodError into our VALIDATION_FAILED with one entry per field. */
export const fromZodError = (error: ZodError, prefix = ''): AppError =>
  validationFailed(
    error.issues.map((issue) => ({
      field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(body)',
      message: issue.message,
    })),
  );

/** RFC 9457 problem+json from any thrown value; internal errors say nothing of their cause. */
export const problemResponse = (thrown: unknown, correlationId: string, instance?: string): ApiResponse => {
  const error = thrown instanceof ZodError ? fromZodError(thrown) : isAppError(thrown) ? thrown : new AppError('INTERNAL', 'An internal error occurred.');
  const body: Record<string, unknown> = {
    type: `https://patgate.dev/problems/${error.code.toLowerCase().replaceAll('_', '-')}`,
    title: TITLES[error.code] ?? (error.status >= 500 ? 'Server error' : 'Request refused'),
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
  if (error.code === 'UNAUTHENTICATED') headers['www-authenticate'] = 'JWT realm="patgate"';
  return { statusCode: error.status, headers, body: JSON.stringify(body) };
};
