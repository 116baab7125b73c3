import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { parseConfig } from '../config';
import { parseDeletionJob } from '../deletion/deletion-job';
import type { DeletionQueue } from '../deletion/deletion-queue';
import { DeletionWorker } from '../deletion/deletion-worker';
import { SqsDeletionQueue } from '../deletion/sqs-deletion-queue';
import { logger } from '../observability/logger';
import { powertools } from '../observability/powertools-middleware';
import { DeletionStore } from '../store/deletion-store';
import { createDocumentClient } from '../store/dynamo-client';

/**
 * Time kept back from the Lambda timeout: the step running when the budget ends must finish (one
 * page: a Query and up to 40 BatchWriteItem calls, 8 in flight, each within the DynamoDB call
 * budget), and the continuation must still be sent.
 */
export const SAFETY_MARGIN_MS = 20_000;

export interface DeletionRuntime {
  readonly worker: DeletionWorker;
  readonly queue: DeletionQueue;
}

let runtime: DeletionRuntime | undefined;

const fromEnvironment = (): DeletionRuntime => {
  const config = parseConfig(process.env);
  if (!config.deletionQueueUrl) throw new Error('PATGATE_DELETION_QUEUE_URL is not set');
  const db = createDocumentClient({ region: config.region, endpoint: config.dynamoDbEndpoint });
  return { worker: new DeletionWorker(new DeletionStore(db, config.tableName)), queue: new SqsDeletionQueue(config.deletionQueueUrl) };
};

/**
 * One SQS message (batch size 1) = one deletion job (deletion-job.ts): runs it for the time left,
 * then enqueues its continuation, delayed when the job waits for its second pass. A failure is
 * reported for that message only (ReportBatchItemFailures): SQS delivers it again after the
 * visibility timeout, and after maxReceiveCount moves it to the dead-letter queue, which alarms.
 * A message that is not a job fails every delivery and so lands there too.
 */
export const processDeletions = async (event: SQSEvent, context: Pick<Context, 'getRemainingTimeInMillis'>, deps: DeletionRuntime): Promise<SQSBatchResponse> => {
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    try {
      const job = parseDeletionJob(record.body);
      const outcome = await deps.worker.run(job, Math.max(1_000, context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS));
      if (!outcome.done) await deps.queue.send(outcome.next, outcome.delaySeconds);
    } catch (error) {
      logger.error('deletion job failed; SQS will deliver it again', { messageId: record.messageId, error: (error as Error).message });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};

const wrapped = middy<SQSEvent, SQSBatchResponse>()
  .use(powertools())
  .handler((event, context) => processDeletions(event, context, (runtime ??= fromEnvironment())));

export const handler = (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => wrapped(event, context);
