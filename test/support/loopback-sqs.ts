import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { SigV4Authorization } from '../../simulators/codecommit/sigv4-authorization';
import { closeServer, listenOnLoopback } from './loopback-http';

export interface SentMessage {
  readonly queueUrl: string;
  readonly body: string;
  readonly delaySeconds: number;
}

/**
 * A loopback stand-in for SQS (SQS cannot run here) speaking the AWS JSON 1.0 protocol of
 * SendMessage, from AWS's documents:
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-making-api-requests-json.html
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-api-responses.html
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
 * It refuses what SQS refuses: an unsigned request or one whose SigV4 signature (scope `sqs`) does not
 * verify with the known secret, an unknown queue (QueueDoesNotExist), a delay outside 0–900 s or an
 * empty or over-256 KiB body (InvalidParameterValue). It answers MD5OfMessageBody, which the SDK checks.
 */
export class LoopbackSqs {
  readonly messages: SentMessage[] = [];
  readonly #server: Server;
  #refuseNext: { readonly type: string; readonly status: number } | undefined;

  constructor(
    private readonly queueUrls: readonly string[],
    private readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string },
  ) {
    this.#server = createServer((request, response) => void this.#handle(request, response));
  }

  start(): Promise<string> {
    return listenOnLoopback(this.#server);
  }

  stop(): Promise<void> {
    return closeServer(this.#server);
  }

  /** The next request is refused with this error (e.g. a 500 `InternalError`, or a 400 `AccessDenied`). */
  refuseNext(type: string, status: number): void {
    this.#refuseNext = { type, status };
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const answer = (status: number, payload: unknown, queryError?: string): void => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID(), ...(queryError ? { 'x-amzn-query-error': queryError } : {}) });
      response.end(JSON.stringify(payload));
    };
    const refuse = (status: number, type: string, message: string, queryError = `${type};Sender`): void =>
      answer(status, { __type: `com.amazonaws.sqs#${type}`, message }, queryError);

    const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
    const url = new URL(request.url ?? '/', 'http://loopback');
    const authorization = SigV4Authorization.parse(headers.authorization);
    const signed = { method: request.method ?? 'POST', path: url.pathname, query: url.searchParams, headers, rawBody };
    if (!authorization || authorization.service !== 'sqs' || authorization.accessKeyId !== this.credentials.accessKeyId || !authorization.matches(signed, this.credentials.secretAccessKey)) {
      return refuse(403, 'AccessDenied', 'The request signature does not verify.');
    }
    if (headers['x-amz-target'] !== 'AmazonSQS.SendMessage' || !headers['content-type']?.startsWith('application/x-amz-json-1.0')) {
      return refuse(400, 'UnsupportedOperation', `unsupported: ${headers['x-amz-target']}`);
    }
    const refusal = this.#refuseNext;
    this.#refuseNext = undefined;
    if (refusal) return refuse(refusal.status, refusal.type, 'refused on request');

    const body = JSON.parse(rawBody || '{}') as { QueueUrl?: unknown; MessageBody?: unknown; DelaySeconds?: unknown };
    if (typeof body.QueueUrl !== 'string' || !this.queueUrls.includes(body.QueueUrl)) return refuse(400, 'QueueDoesNotExist', 'The specified queue does not exist.', 'AWS.SimpleQueueService.NonExistentQueue;Sender');
    if (typeof body.MessageBody !== 'string' || body.MessageBody.length === 0 || Buffer.byteLength(body.MessageBody) > 256 * 1024) return refuse(400, 'InvalidParameterValue', 'MessageBody');
    const delaySeconds = body.DelaySeconds ?? 0;
    if (typeof delaySeconds !== 'number' || !Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > 900) return refuse(400, 'InvalidParameterValue', 'DelaySeconds');
    this.messages.push({ queueUrl: body.QueueUrl, body: body.MessageBody, delaySeconds });
    return answer(200, { MD5OfMessageBody: createHash('md5').update(body.MessageBody, 'utf8').digest('hex'), MessageId: randomUUID() });
  }
}
