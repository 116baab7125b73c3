import { AppError } from '../../domain/errors';
import { readSdkError } from './sdk-error-facts';

/** Seconds to wait when AWS throttles without saying how long (it never sends Retry-After itself). */
export const DEFAULT_RETRY_AFTER_SECONDS = 60;

/** Codes CodeCommit (JSON 1.1) and STS (query) use for a key pair they do not accept. */
const CREDENTIAL_REJECTED = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'IncompleteSignature',
  'IncompleteSignatureException',
]);
const FORBIDDEN = new Set(['AccessDeniedException', 'AccessDenied', 'EncryptionKeyAccessDeniedException']);
const RATE_LIMITED = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException']);
const NOT_FOUND = new Set([
  'RepositoryDoesNotExistException',
  'BranchDoesNotExistException',
  'ReferenceDoesNotExistException',
  'CommitDoesNotExistException',
  'PullRequestDoesNotExistException',
]);
/**
 * `DefaultBranchCannotBeDeletedException` is a CONFLICT rather than VALIDATION_FAILED: the request is
 * well formed, the repository's current state (this is its default branch) forbids it.
 */
const CONFLICT = new Set(['BranchNameExistsException', 'DefaultBranchCannotBeDeletedException']);
/** Protocol-level refusals: the endpoint is not speaking CodeCommit, which is not the caller's input. */
const NOT_MODELLED = new Set(['Unknown', 'UnknownError', 'UnknownOperationException', 'SerializationException', 'InvalidAction', 'NotFound']);

const TIMEOUT_NAMES = new Set(['AbortError', 'TimeoutError']);
/** The SDK's Node handler names a reset socket `TimeoutError` too; its code tells the two apart. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE']);

/** Retry-After is delta-seconds or an HTTP date. */
const retryAfterSeconds = (header: string | undefined, now = Date.now()): number => {
  if (header === undefined || header.trim() === '') return DEFAULT_RETRY_AFTER_SECONDS;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  return Number.isNaN(at) ? DEFAULT_RETRY_AFTER_SECONDS : Math.max(1, Math.ceil((at - now) / 1000));
};

/**
 * Translates whatever the AWS SDK threw into patgate's AppError (the GitProvider contract). Messages
 * are fixed text: nothing from the request, so never a key.
 */
export const appErrorFromAws = (error: unknown, context: { readonly timedOut: boolean }): AppError => {
  const facts = readSdkError(error);
  // Only the error's name travels on: its message is the host's text, which the pipeline logs.
  const cause = new Error(facts.name);
  const reset = facts.errno !== undefined && RESET_CODES.has(facts.errno);
  if (context.timedOut || (!reset && (TIMEOUT_NAMES.has(facts.name) || facts.errno === 'ETIMEDOUT'))) {
    return new AppError('HOST_TIMEOUT', 'CodeCommit did not answer in time.', { hostReason: 'timeout', cause });
  }
  if (CREDENTIAL_REJECTED.has(facts.name)) {
    return new AppError('SERVICE_CREDENTIAL_REJECTED', 'AWS refused the access key pair.', { hostReason: 'unauthorized', cause });
  }
  if (FORBIDDEN.has(facts.name)) {
    return new AppError('NOT_FOUND', 'The repository or branch was not found.', { hostReason: 'forbidden', cause });
  }
  if (RATE_LIMITED.has(facts.name) || facts.httpStatus === 429) {
    const seconds = retryAfterSeconds(facts.retryAfter);
    return new AppError('HOST_RATE_LIMITED', 'CodeCommit is throttling requests.', { hostReason: 'rate-limited', retryAfterSeconds: seconds, cause });
  }
  if (NOT_FOUND.has(facts.name)) {
    return new AppError('NOT_FOUND', 'The repository or branch was not found.', { hostReason: 'not-found', cause });
  }
  if (CONFLICT.has(facts.name)) {
    const message = facts.name === 'BranchNameExistsException' ? 'The branch already exists.' : 'The default branch of a repository cannot be deleted.';
    return new AppError('CONFLICT', message, { hostReason: 'conflict', cause });
  }
  if (facts.httpStatus !== undefined && facts.httpStatus >= 400 && facts.httpStatus < 500 && !NOT_MODELLED.has(facts.name)) {
    return new AppError('VALIDATION_FAILED', 'CodeCommit rejected the request as invalid.', { hostReason: 'bad-request', cause });
  }
  return new AppError('HOST_UNAVAILABLE', 'CodeCommit could not be reached or gave an unreadable answer.', { hostReason: 'unavailable', cause });
};
