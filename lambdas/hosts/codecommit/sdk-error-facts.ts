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
    errno: stringAt(error, 'code'),
    retryAfter: stringAt(headers, 'retry-after'),
  };
};
