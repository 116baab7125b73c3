import type { IncomingHttpHeaders } from 'node:http';
import { AppError, isAppError } from '../../domain/errors';
import { supportsPersonalAccessTokens } from '../../domain/integration';
import type { HostCredential, HostTarget } from '../git-provider';
import { TRANSIENT_STATUSES } from '../host-call';
import { HostResponseError } from './strict-rest-client';

export interface HostErrorContext {
  readonly target: HostTarget;
  readonly credential: HostCredential['kind'];
  /** What the call was doing, for the message: "create the branch". */
  readonly action: string;
  /** The whole-call deadline passed. */
  readonly timedOut: boolean;
  readonly now: Date;
}

const DEFAULT_RATE_LIMIT_WAIT_SECONDS = 60;

/** Version negotiation went wrong: the server does not speak what the client sent. */
const VERSION_TYPE_KEYS = new Set(['VssVersionOutOfRangeException', 'VssInvalidPreviewVersionException', 'VssVersionNotSpecifiedException']);

const NETWORK_ERROR_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT']);

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** Seconds from Retry-After (delta or HTTP date), else X-RateLimit-Reset (epoch seconds), else a minute. */
export const retryAfterSeconds = (headers: IncomingHttpHeaders, now: Date): number => {
  const retryAfter = header(headers, 'retry-after')?.trim();
  if (retryAfter && /^\d+$/.test(retryAfter)) return Number(retryAfter);
  const retryDate = retryAfter ? Date.parse(retryAfter) : Number.NaN;
  if (!Number.isNaN(retryDate)) return Math.max(1, Math.ceil((retryDate - now.getTime()) / 1000));
  const reset = Number(header(headers, 'x-ratelimit-reset'));
  if (Number.isFinite(reset) && reset > 0) return Math.max(1, Math.ceil(reset - now.getTime() / 1000));
  return DEFAULT_RATE_LIMIT_WAIT_SECONDS;
};

const unauthorized = (context: HostErrorContext): AppError => {
  const { target, credential } = context;
  if (credential === 'token' && target.provider === 'tfs' && !supportsPersonalAccessTokens('tfs', target.tfsVersion)) {
    return new AppError(
      'PAT_NOT_SUPPORTED',
      `TFS ${target.tfsVersion} has no personal access tokens (they arrived with TFS 2017), so it refused the token. Use a service account with a user name and password, or upgrade the server.`,
      { hostReason: 'not-supported' },
    );
  }
  return new AppError(
    'SERVICE_CREDENTIAL_REJECTED',
    `Azure DevOps did not accept the credential while trying to ${context.action}: it is unknown, expired or revoked, or lacks the Code (Read & write) scope.`,
    { hostReason: 'unauthorized' },
  );
};

const unavailable = (context: HostErrorContext, why: string): AppError =>
  new AppError('HOST_UNAVAILABLE', `Azure DevOps could not ${context.action}: ${why}.`, { hostReason: 'unavailable' });

const rateLimited = (context: HostErrorContext, headers: IncomingHttpHeaders): AppError => {
  const seconds = retryAfterSeconds(headers, context.now);
  return new AppError('HOST_RATE_LIMITED', `Azure DevOps is rate limiting requests; try again in ${seconds} seconds.`, {
    hostReason: 'rate-limited',
    retryAfterSeconds: seconds,
  });
};

const notFound = (context: HostErrorContext, hostReason: 'not-found' | 'forbidden'): AppError =>
  new AppError('NOT_FOUND', `Azure DevOps could not ${context.action}: the project, repository or branch does not exist or the credential may not use it.`, {
    hostReason,
  });

const badRequest = (error: HostResponseError, context: HostErrorContext): AppError => {
  if (VERSION_TYPE_KEYS.has(error.typeKey ?? '')) return unavailable(context, 'the server does not speak the negotiated REST API version');
  // TF401398: a missing source or target branch is reported as such, like a missing branch elsewhere.
  if (error.hostErrorCode === 'TF401398' || error.typeKey === 'GitPullRequestStaleException') {
    return new AppError('NOT_FOUND', 'The source or target branch does not exist (or is not a branch).', { hostReason: 'not-found' });
  }
  return new AppError('VALIDATION_FAILED', `Azure DevOps refused the request to ${context.action} as invalid.`, { hostReason: 'bad-request' });
};

const isSignInRedirect = (error: HostResponseError): boolean =>
  error.status >= 300 && error.status < 400 && /_signin|login\.microsoftonline\.com/i.test(header(error.headers, 'location') ?? '');

const fromStatus = (error: HostResponseError, context: HostErrorContext): AppError => {
  const { status } = error;
  if (status === 401 || isSignInRedirect(error)) return unauthorized(context);
  if (status === 429 || error.hostErrorCode === 'TF400733') return rateLimited(context, error.headers);
  if (status === 403) return notFound(context, 'forbidden');
  if (status === 404) return notFound(context, 'not-found');
  if (status === 409) {
    return new AppError('CONFLICT', `Azure DevOps could not ${context.action}: it already exists.`, { hostReason: 'conflict' });
  }
  if (status === 400) return badRequest(error, context);
  return unavailable(context, `the server answered ${status}`);
};

const fromHostResponse = (error: HostResponseError, context: HostErrorContext): AppError => {
  if (error.problem === 'sign-in-page') return unauthorized(context);
  if (error.problem === 'malformed') return unavailable(context, 'the answer was not valid JSON');
  return fromStatus(error, context);
};

const errorCode = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : undefined;

/** typed-rest-client reports its socket timeout (connect or idle) as `Request timeout: <path>`. */
const isSocketTimeout = (error: unknown): boolean => error instanceof Error && error.message.startsWith('Request timeout:');

/**
 * Translates whatever a host call threw into the port's AppError contract. Messages are built here,
 * never copied from the host or the library, so no credential or echoed header can reach them.
 */
export const toAppError = (error: unknown, context: HostErrorContext): AppError => {
  if (isAppError(error)) return error;
  if (context.timedOut || isSocketTimeout(error)) {
    return new AppError('HOST_TIMEOUT', `Azure DevOps did not answer in time while trying to ${context.action}.`, { hostReason: 'timeout' });
  }
  if (error instanceof HostResponseError) return fromHostResponse(error, context);
  if (NETWORK_ERROR_CODES.has(errorCode(error) ?? '')) return unavailable(context, 'the connection failed');
  return unavailable(context, 'its answer could not be read');
};

/** Transient failures worth retrying on an idempotent read: 502/503/504 and a reset connection. */
export const isTransient = (error: unknown): boolean =>
  (error instanceof HostResponseError && error.problem === 'status' && TRANSIENT_STATUSES.has(error.status)) || errorCode(error) === 'ECONNRESET';
