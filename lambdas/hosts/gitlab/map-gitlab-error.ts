import { GitbeakerRequestError, GitbeakerTimeoutError } from '@gitbeaker/rest';
import { AppError, isAppError } from '../../domain/errors';
import { REQUIRED_GITLAB_SCOPE } from './descriptor';

export { REQUIRED_GITLAB_SCOPE };

const DEFAULT_RETRY_AFTER_SECONDS = 60;
const MAX_DETAIL_LENGTH = 300;
const NOT_FOUND_MESSAGE = 'GitLab did not find the project or branch, or the token may not use it.';

const secondsUntil = (epochMs: number, nowMs: number): number => Math.ceil((epochMs - nowMs) / 1000);

/** `Retry-After` is seconds or an HTTP date. */
const fromRetryAfter = (value: string | null, nowMs: number): number | undefined => {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : secondsUntil(date, nowMs);
};

/** GitLab's `RateLimit-Reset` is a Unix time in seconds. */
const fromRateLimitReset = (value: string | null, nowMs: number): number | undefined => {
  const text = value?.trim();
  if (!text || !/^\d+$/.test(text)) return undefined;
  return secondsUntil(Number(text) * 1000, nowMs);
};

export const retryAfterSeconds = (headers: Headers, nowMs = Date.now()): number => {
  const seconds =
    fromRetryAfter(headers.get('retry-after'), nowMs) ??
    fromRateLimitReset(headers.get('ratelimit-reset'), nowMs) ??
    DEFAULT_RETRY_AFTER_SECONDS;
  return Math.max(1, seconds);
};

/** GitLab's `message` may be a list (`["Source branch \"x\" does not exist"]`), which gitbeaker passes on as JSON. */
const readable = (description: string): string => {
  if (!description.startsWith('[')) return description;
  try {
    const parsed = JSON.parse(description) as unknown;
    return Array.isArray(parsed) ? parsed.map(String).join('; ') : description;
  } catch {
    return description;
  }
};

/** Host text may be shown to users: shortened, and stripped of the credential should a host echo it. */
const detail = (description: string, redact: string): string => {
  const text = readable(description);
  const clean = redact === '' ? text : text.split(redact).join('[redacted]');
  return clean.length > MAX_DETAIL_LENGTH ? `${clean.slice(0, MAX_DETAIL_LENGTH)}…` : clean;
};

const badRequest = (description: string, redact: string): AppError =>
  /already exists/i.test(description)
    ? new AppError('CONFLICT', 'A branch with that name already exists on GitLab.', { hostReason: 'conflict' })
    : new AppError('VALIDATION_FAILED', `GitLab refused the request: ${detail(description, redact)}`, { hostReason: 'bad-request' });

/**
 * A 403 `insufficient_scope` is the token's own shortcoming (too narrow), so it is TOKEN_REJECTED
 * naming the scope to add; any other 403 (no push right) reads as NOT_FOUND like a 404.
 */
const forbidden = (description: string): AppError =>
  description === 'insufficient_scope'
    ? new AppError('TOKEN_REJECTED', `The GitLab token lacks the ${REQUIRED_GITLAB_SCOPE} scope.`, {
        hostReason: 'forbidden',
        extensions: { missingScopes: [REQUIRED_GITLAB_SCOPE] },
      })
    : new AppError('NOT_FOUND', NOT_FOUND_MESSAGE, { hostReason: 'forbidden' });

const fromResponse = (response: Response, description: string, redact: string): AppError => {
  const { status } = response;
  if (status === 401) return new AppError('SERVICE_CREDENTIAL_REJECTED', 'GitLab rejected the token.', { hostReason: 'unauthorized' });
  if (status === 403 || status === 405) return forbidden(description);
  if (status === 404) return new AppError('NOT_FOUND', NOT_FOUND_MESSAGE, { hostReason: 'not-found' });
  if (status === 409) return new AppError('CONFLICT', 'An open merge request already exists for this source branch.', { hostReason: 'conflict' });
  if (status === 400) return badRequest(description, redact);
  if (status === 422) return new AppError('VALIDATION_FAILED', `GitLab refused the request: ${detail(description, redact)}`, { hostReason: 'bad-request' });
  if (status === 429) {
    return new AppError('HOST_RATE_LIMITED', 'GitLab is rate limiting requests.', {
      hostReason: 'rate-limited',
      retryAfterSeconds: retryAfterSeconds(response.headers),
    });
  }
  return new AppError('HOST_UNAVAILABLE', `GitLab answered ${status}.`, { hostReason: 'unavailable' });
};

/**
 * Translates whatever a gitbeaker call threw into the port's AppError contract. The original error
 * is deliberately not kept as `cause`: nothing downstream may print a request of this call.
 */
export const mapGitLabError = (error: unknown, redact: string): AppError => {
  if (isAppError(error)) return error;
  if (error instanceof GitbeakerTimeoutError) return new AppError('HOST_TIMEOUT', 'GitLab did not answer in time.', { hostReason: 'timeout' });
  if (error instanceof GitbeakerRequestError && error.cause?.response) {
    return fromResponse(error.cause.response, error.cause.description, redact);
  }
  return new AppError('HOST_UNAVAILABLE', 'GitLab could not be reached or gave an unreadable answer.', { hostReason: 'unavailable' });
};
