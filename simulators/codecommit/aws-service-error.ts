/**
 * An error the simulated AWS services answer with: the `__type` / `<Code>` AWS sends, its message,
 * and the HTTP status (CodeCommit's JSON 1.1 errors are all 400; STS's query errors vary).
 */
export class AwsServiceError extends Error {
  readonly code: string;
  readonly status: number;
  /** Coral's framework errors (AccessDeniedException) spell the member `Message`; modelled ones `message`. */
  readonly messageKey: 'message' | 'Message';

  constructor(code: string, message: string, options: { status?: number; messageKey?: 'message' | 'Message' } = {}) {
    super(message);
    this.name = 'AwsServiceError';
    this.code = code;
    this.status = options.status ?? 400;
    this.messageKey = options.messageKey ?? 'message';
  }
}
