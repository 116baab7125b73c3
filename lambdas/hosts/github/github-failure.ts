import { AppError, isAppError } from '../../domain/errors';
import { TRANSIENT_STATUSES } from '../host-call';

type ResponseHeaders = Readonly<Record<string, string | number | undefined>>;

interface HostAnswer {
  readonly status: number;
  readonly headers: ResponseHeaders;
  readonly data: unknown;
}

/** The part of Octokit's RequestError (name `HttpError`) that classification reads. */
interface HttpFailure {
  readonly status: number;
  /** Absent when no answer came (connection refused or reset). */
  readonly response?: HostAnswer;
  readonly cause?: unknown;
}

/** When neither `retry-after` nor the rate-limit reset says how long to wait (GitHub: at least a minute). */
const DEFAULT_RATE_LIMIT_WAIT_SECONDS = 60;
const CONNECTION_RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);
const HOST_MESSAGE_LIMIT = 300;

// Duck-typed, not `instanceof Error`: errors raised by node:http come from another realm under Jest's VM.
const field = (value: unknown, name: string): unknown => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined);

const asHttpFailure = (error: unknown): HttpFailure | undefined =>
  field(error, 'name') === 'HttpError' && typeof field(error, 'status') === 'number' ? (error as HttpFailure) : undefined;

const isAbort = (error: unknown): boolean => field(error, 'name') === 'AbortError';

const isConnectTimeout = (error: unknown): boolean =>
  field(error, 'name') === 'ConnectTimeoutError' || field(field(error, 'cause'), 'name') === 'ConnectTimeoutError';

/** 502/503/504 answers and connection resets: worth another try when the call is an idempotent read. */
export const isTransientFailure = (error: unknown): boolean => {
  const failure = asHttpFailure(error);
  if (!failure) return false;
  if (failure.response) return TRANSIENT_STATUSES.has(failure.response.status);
  return CONNECTION_RESET_CODES.has(String(field(failure.cause, 'code')));
};

const headerValue = (headers: ResponseHeaders, name: string): string | undefined => {
  const value = headers[name];
  return value === undefined ? undefined : String(value);
};

const secondsUntil = (epochSeconds: number, now: Date): number => Math.max(1, Math.ceil(epochSeconds - now.getTime() / 1000));

/** `retry-after` (seconds or an HTTP date), else the primary limit's reset when nothing remains; undefined when not a rate limit. */
const rateLimitWait = (headers: ResponseHeaders, now: Date): number | undefined => {
  const retryAfter = headerValue(headers, 'retry-after');
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
    const date = Date.parse(retryAfter);
    return Number.isNaN(date) ? DEFAULT_RATE_LIMIT_WAIT_SECONDS : secondsUntil(date / 1000, now);
  }
  if (headerValue(headers, 'x-ratelimit-remaining') !== '0') return undefined;
  const reset = Number(headerValue(headers, 'x-ratelimit-reset'));
  return Number.isFinite(reset) && reset > 0 ? secondsUntil(reset, now) : DEFAULT_RATE_LIMIT_WAIT_SECONDS;
};

/** GitHub's `message` and the `message`s of its `errors` items (where "A pull request already exists" hides). */
const hostMessages = (data: unknown): string[] => {
  if (typeof data !== 'object' || data === null) return [];
  const body = data as { message?: unknown; errors?: unknown };
  const nested = Array.isArray(body.errors) ? body.errors.map((item: unknown) => (item as { message?: unknown } | null)?.message) : [];
  return [body.message, ...nested].filter((text): text is string => typeof text === 'string');
};

const rateLimited = (seconds: number): AppError =>
  new AppError('HOST_RATE_LIMITED', `GitHub's rate limit was reached; try again in ${seconds} s.`, { hostReason: 'rate-limited', retryAfterSeconds: seconds });

const notFound = (hostReason: 'forbidden' | 'not-found'): AppError =>
  new AppError('NOT_FOUND', 'The repository or branch was not found on GitHub, or the token may not use it.', { hostReason });

/** GitHub's text may be shown to the caller and logged: never with the credential, should a host echo it. */
const withoutCredential = (text: string, credential: string): string => (credential === '' ? text : text.split(credential).join('[redacted]'));

const classifyUnprocessable = (messages: readonly string[], credential: string): AppError => {
  const all = withoutCredential(messages.join(' '), credential);
  if (/Reference already exists|A pull request already exists/i.test(all)) {
    return new AppError('CONFLICT', 'The branch or pull request already exists on GitHub.', { hostReason: 'conflict' });
  }
  // GitHub answers 422, not 404, when the ref to delete is missing.
  if (/Reference does not exist/i.test(all)) return notFound('not-found');
  return new AppError('VALIDATION_FAILED', `GitHub refused the request: ${all.slice(0, HOST_MESSAGE_LIMIT) || 'validation failed'}.`, { hostReason: 'bad-request' });
};

const classifyForbidden = (failure: HostAnswer, now: Date): AppError => {
  const wait = rateLimitWait(failure.headers, now);
  if (wait !== undefined) return rateLimited(wait);
  // A secondary rate limit may come with neither header; its message names it.
  if (hostMessages(failure.data).some((text) => /rate limit/i.test(text))) return rateLimited(DEFAULT_RATE_LIMIT_WAIT_SECONDS);
  return notFound('forbidden');
};

const classifyAnswer = (response: HostAnswer, now: Date, credential: string): AppError => {
  const { status } = response;
  if (status === 401) return new AppError('SERVICE_CREDENTIAL_REJECTED', 'GitHub rejected the token.', { hostReason: 'unauthorized' });
  if (status === 429) return rateLimited(rateLimitWait(response.headers, now) ?? DEFAULT_RATE_LIMIT_WAIT_SECONDS);
  if (status === 403) return classifyForbidden(response, now);
  if (status === 404) return notFound('not-found');
  // A renamed or transferred repository answers with a redirect: the integration names it wrongly now.
  if (status >= 300 && status < 400) return notFound('not-found');
  if (status === 409) return new AppError('CONFLICT', 'GitHub reported a conflict (the repository may be empty).', { hostReason: 'conflict' });
  if (status === 422) return classifyUnprocessable(hostMessages(response.data), credential);
  if (status === 400) return new AppError('VALIDATION_FAILED', 'GitHub could not parse the request.', { hostReason: 'bad-request' });
  return new AppError('HOST_UNAVAILABLE', `GitHub answered ${status}.`, { hostReason: 'unavailable' });
};

/**
 * Translates whatever an Octokit call threw into the GitProvider error contract. Messages are
 * patgate's own (plus GitHub's validation text), so no credential can travel in them.
 */
export const mapGitHubError = (error: unknown, budgetSpent: boolean, now: Date = new Date(), credential = ''): AppError => {
  if (isAppError(error)) return error;
  if (budgetSpent || isAbort(error) || isConnectTimeout(error)) {
    return new AppError('HOST_TIMEOUT', 'GitHub did not answer in time.', { hostReason: 'timeout' });
  }
  const failure = asHttpFailure(error);
  if (failure?.response) return classifyAnswer(failure.response, now, credential);
  return new AppError('HOST_UNAVAILABLE', 'GitHub could not be reached.', { hostReason: 'unavailable' });
};

/** A 2xx answer whose body is not what the route promises (not JSON, or missing members). */
export const malformedAnswer = (): AppError =>
  new AppError('HOST_UNAVAILABLE', 'GitHub answered with a body that could not be read.', { hostReason: 'unavailable' });
