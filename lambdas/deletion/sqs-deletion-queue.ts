import type { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { clientOptionsFor, SQS_BUDGET } from '../wiring/aws-call-budget';
import { runtimePackage } from '../wiring/runtime-package';
import type { DeletionJob } from './deletion-job';
import { MAX_DELAY_SECONDS } from './deletion-job';
import type { DeletionQueue } from './deletion-queue';

/** `https://sqs.<region>.amazonaws.com/<account>/<name>` (what CloudFormation's QueueUrl is). */
const QUEUE_URL = /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/\d{12}\/[A-Za-z0-9_-]{1,80}$/;

interface LoadedSqs {
  readonly client: SQSClient;
  readonly SendMessageCommand: typeof SendMessageCommand;
}

/**
 * The deletion queue in AWS: SQS SendMessage through the runtime's `@aws-sdk/client-sqs` (signed by
 * the SDK with the function's own credentials), imported on the first send, so no function loads it
 * at start. A failure throws: the request that wanted the job answers 500, and its retry (Atlassian
 * re-delivers lifecycle events; the uninstall sees the marker) enqueues it again.
 */
export class SqsDeletionQueue implements DeletionQueue {
  readonly #region: string;
  #client: Promise<LoadedSqs> | undefined;

  constructor(private readonly queueUrl: string) {
    const region = QUEUE_URL.exec(queueUrl)?.[1];
    if (!region) throw new Error('PATGATE_DELETION_QUEUE_URL is not an SQS queue URL');
    this.#region = region;
  }

  async send(job: DeletionJob, delaySeconds = 0): Promise<void> {
    const { client, SendMessageCommand } = await this.#sqs();
    await client.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(job), DelaySeconds: Math.max(0, Math.min(MAX_DELAY_SECONDS, Math.ceil(delaySeconds))) }),
    );
  }

  #sqs(): Promise<LoadedSqs> {
    this.#client ??= runtimePackage(import('@aws-sdk/client-sqs')).then(({ SQSClient, SendMessageCommand }) => ({
      // The region's endpoint only (or the SDK's configured override): never one taken from the queue URL.
      client: new SQSClient({ region: this.#region, useQueueUrlAsEndpoint: false, ...clientOptionsFor(SQS_BUDGET) }),
      SendMessageCommand,
    }));
    return this.#client;
  }
}
