import { isRequestNeverSent } from '../outbound-connections';
import type { CallDeadline } from './call-deadline';
import { readSdkError } from './sdk-error-facts';

/** Backoff before the first and second retry; a read is tried at most three times. */
const RETRY_DELAYS_MS = [100, 200] as const;
const TRANSIENT_STATUSES = new Set([502, 503, 504]);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE']);

const isTransient = (error: unknown): boolean => {
  const facts = readSdkError(error);
  return (facts.httpStatus !== undefined && TRANSIENT_STATUSES.has(facts.httpStatus)) || (facts.errno !== undefined && RESET_CODES.has(facts.errno));
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Retries an idempotent read (GetBranch, ListPullRequests, GetPullRequest, GetCallerIdentity) on a
 * gateway error or a reset connection, within what is left of the call's budget. Writes never come
 * here: a retried CreateBranch or CreatePullRequest could act twice.
 */
export const retryRead = async <T>(deadline: CallDeadline, read: () => Promise<T>): Promise<T> => {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await read();
    } catch (error) {
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined || !isTransient(error) || deadline.remainingMs() <= delay) throw error;
      await sleep(delay);
    }
  }
};

/** A write is sent again at most this often, and only when it provably never reached the host. */
const NEVER_SENT_RESENDS = 2;

/**
 * Sends a write (CreateBranch, DeleteBranch, CreatePullRequest) once; again, at once, only when the
 * request failed on a reused keep-alive connection before one byte of it was written (see
 * outbound-connections.ts). Any other failure is reported: the host may have acted.
 */
export const sendWrite = async <T>(deadline: CallDeadline, write: () => Promise<T>): Promise<T> => {
  for (let resend = 0; ; resend += 1) {
    try {
      return await write();
    } catch (error) {
      if (resend >= NEVER_SENT_RESENDS || deadline.expired || !isRequestNeverSent(error)) throw error;
    }
  }
};
