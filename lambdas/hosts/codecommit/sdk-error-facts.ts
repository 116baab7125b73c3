/** What the AWS SDK tells about a failed call, read defensively from an `unknown` error. */
export interface SdkErrorFacts {
  /** The AWS error code for service errors (`BranchNameExistsException`), else the JS error name. */
  readonly name: string;
  /** HTTP status of the answer, when there was one. */
  readonly httpStatus?: number;
  /** Node's socket error code (`ECONNRESET`, `ECONNREFUSED`, `ETIMEDOUT`), when there was one. */
  readonly errno?: string;
  readonly retryAfter?: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

const stringAt = (value: unknown, key: string): string | undefined => {
  const member = isRecord(value) ? value[key] : undefined;
  return typeof member === 'string' ? member : undefined;
};

/**
 * Node core errors thrown across a VM realm (as under Jest) fail the SDK's `instanceof Error` and reach
 * us flattened into "AWS SDK error wrapper for TimeoutError: socket hang up"; the socket code then
 * survives only in the text. "socket hang up" is how Node reports ECONNRESET on a client request.
 */
const errnoFromMessage = (message: string | undefined): string | undefined => {
  if (message === undefined) return undefined;
  if (message.includes('socket hang up')) return 'ECONNRESET';
  return /\b(ECONNRESET|EPIPE|ECONNREFUSED|ETIMEDOUT)\b/.exec(message)?.[1];
};

export const readSdkError = (error: unknown): SdkErrorFacts => {
  if (!isRecord(error)) return { name: 'Unknown' };
  const metadata = error['$metadata'];
  const status = isRecord(metadata) ? metadata['httpStatusCode'] : undefined;
  // `$response` is a hidden (non-enumerable) member the SDK sets on errors it got an answer for.
  const response = error['$response'];
  const headers = isRecord(response) ? response['headers'] : undefined;
  return {
    name: stringAt(error, 'name') ?? 'Unknown',
    httpStatus: typeof status === 'number' ? status : undefined,
    errno: stringAt(error, 'code') ?? errnoFromMessage(stringAt(error, 'message')),
    retryAfter: stringAt(headers, 'retry-after'),
  };
};
