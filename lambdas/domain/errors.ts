/**
 * The one error family of patgate. Every failure a client can see is an AppError with a stable
 * `code`; the HTTP pipeline turns it into RFC 9457 application/problem+json.
 */
export const ERROR_STATUS = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  VALIDATION_FAILED: 400,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAT_NOT_SUPPORTED: 422,
  TOKEN_REJECTED: 422,
  IDEMPOTENCY_KEY_REUSED: 422,
  PRECONDITION_REQUIRED: 428,
  PAT_REQUIRED: 428,
  PAT_EXPIRED: 428,
  PAT_INVALID: 428,
  HOST_RATE_LIMITED: 429,
  /** The host refused the integration's own service credential: an admin must replace it. */
  SERVICE_CREDENTIAL_REJECTED: 502,
  HOST_UNAVAILABLE: 502,
  HOST_TIMEOUT: 504,
  JIRA_UNAVAILABLE: 503,
  /** The site's data from an earlier install is still being deleted: install again after Retry-After. */
  DELETION_IN_PROGRESS: 503,
  /** A stored ciphertext does not decrypt under its own context (tampered or moved). */
  CREDENTIAL_UNREADABLE: 500,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** A field-level validation problem, as in the `errors` member of a VALIDATION_FAILED body. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/**
 * Host-facing failures carry a `hostReason` so callers can tell a credential problem (401)
 * from the rest without parsing messages.
 */
export type HostReason = 'unauthorized' | 'forbidden' | 'not-found' | 'conflict' | 'rate-limited' | 'unavailable' | 'timeout' | 'bad-request' | 'not-supported';

export interface AppErrorOptions {
  /** Extra members of the problem body (e.g. `setupUrl`, `retryAfterSeconds`). Never secrets. */
  readonly extensions?: Readonly<Record<string, unknown>>;
  readonly errors?: readonly FieldError[];
  readonly hostReason?: HostReason;
  /** Seconds a client should wait (sent as Retry-After). */
  readonly retryAfterSeconds?: number;
  readonly cause?: unknown;
  /** Overrides the default status of the code (e.g. HOST_UNAVAILABLE as 504). */
  readonly status?: number;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly extensions: Readonly<Record<string, unknown>>;
  readonly errors: readonly FieldError[] | undefined;
  readonly hostReason: HostReason | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = options.status ?? ERROR_STATUS[code];
    this.extensions = options.extensions ?? {};
    this.errors = options.errors;
    this.hostReason = options.hostReason;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;

export const validationFailed = (errors: readonly FieldError[], message = 'The request is not valid.'): AppError =>
  new AppError('VALIDATION_FAILED', message, { errors });

export const notFound = (what: string): AppError => new AppError('NOT_FOUND', `${what} was not found.`);
