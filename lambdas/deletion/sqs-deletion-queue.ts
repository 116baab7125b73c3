import { credentialsFromEnvironment, signPost, type AwsCredentials } from './aws-sigv4';
import type { DeletionJob } from './deletion-job';
import { MAX_DELAY_SECONDS } from './deletion-job';
import type { DeletionQueue } from './deletion-queue';

/** `https://sqs.<region>.amazonaws.com/<account>/<name>` (what CloudFormation's QueueUrl is). */
const QUEUE_URL = /^https:\/\/(sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?)\/\d{12}\/[A-Za-z0-9_-]{1,80}$/;

/**
 * The deletion queue in AWS: SQS SendMessage in the AWS JSON 1.0 protocol, SigV4-signed with the
 * function's own credentials, over fetch (3 s timeout). A failure throws: the request that wanted
 * the job answers 500, and its retry (Atlassian re-delivers lifecycle events; the uninstall sees
 * the marker) enqueues it again.
 */
export class SqsDeletionQueue implements DeletionQueue {
  readonly #host: string;
  readonly #region: string;

  constructor(
    private readonly queueUrl: string,
    private readonly credentials: () => AwsCredentials | undefined = () => credentialsFromEnvironment(process.env),
  ) {
    const match = QUEUE_URL.exec(queueUrl);
    if (!match?.[1] || !match[2]) throw new Error('PATGATE_DELETION_QUEUE_URL is not an SQS queue URL');
    this.#host = match[1];
    this.#region = match[2];
  }

  async send(job: DeletionJob, delaySeconds = 0): Promise<void> {
    const credentials = this.credentials();
    if (!credentials) throw new Error('no AWS credentials to enqueue the deletion job');
    const body = JSON.stringify({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(job), DelaySeconds: Math.max(0, Math.min(MAX_DELAY_SECONDS, Math.ceil(delaySeconds))) });
    const headers = signPost(
      { service: 'sqs', region: this.#region, host: this.#host, path: '/', body, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage' } },
      credentials,
    );
    const response = await fetch(`https://${this.#host}/`, { method: 'POST', headers, body, signal: AbortSignal.timeout(3_000) });
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      throw new Error(`SQS SendMessage answered ${response.status}: ${text.slice(0, 200)}`);
    }
    await response.arrayBuffer().catch(() => undefined);
  }
}
