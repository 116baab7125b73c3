import { TRANSIENT_STATUSES, type CallDeadline } from '../host-call';
import { readSdkError } from './sdk-error-facts';

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE']);

/** A gateway error or a reset connection: worth another try on an idempotent read. */
const isTransient = (error: unknown): boolean => {
  const facts = readSdkError(error);
  return (facts.httpStatus !== undefined && TRANSIENT_STATUSES.has(facts.httpStatus)) || (facts.errno !== undefined && RESET_CODES.has(facts.errno));
};

/**
 * Retries an idempotent read (GetBranch, ListPullRequests, GetPullRequest, GetCallerIdentity) on a
 * gateway error or a reset connection, within what is left of the call's budget; the backoff ends
 * with the call. Writes never come here: a retried CreateBranch or CreatePullRequest could act twice.
 */
export const retryRead = <T>(deadline: CallDeadline, read: () => Promise<T>): Promise<T> => deadline.retryRead(read, isTransient);

/**
 * Sends a write (CreateBranch, DeleteBranch, CreatePullRequest) once; again, at once, only when the
 * request failed on a reused keep-alive connection before one byte of it was written (see
 * outbound-connections.ts). Any other failure is reported: the host may have acted.
 */
export const sendWrite = <T>(deadline: CallDeadline, write: () => Promise<T>): Promise<T> => deadline.sendWrite(write);
