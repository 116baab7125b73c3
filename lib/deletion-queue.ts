import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DELETION_WORKER_TIMEOUT } from './function-specs';

/**
 * Workers the queue may run at once: a site's deletion is paged and batched, so a wave of uninstalls
 * drains steadily instead of taking the table's and the account's concurrency (issue 26).
 */
export const DELETION_MAX_CONCURRENCY = 5;

/** Deliveries of a deletion job before it is moved to the dead-letter queue (which alarms). */
export const DELETION_MAX_RECEIVE_COUNT = 5;

/**
 * The queue of deletion jobs (lambdas/deletion): uninstalls and integration deletes enqueue, the
 * deletion worker consumes one message per invocation and enqueues continuations (delayed for an
 * uninstall's second pass). SQS-managed encryption, TLS only; the visibility timeout is six times
 * the worker's timeout (AWS's advice for Lambda event sources), so a message is never delivered
 * again while a worker still runs it; after DELETION_MAX_RECEIVE_COUNT failed deliveries a job goes
 * to the dead-letter queue, kept 14 days for a look and a redrive.
 */
export class DeletionQueue extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.deadLetters = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Jobs in flight are state: a lost job leaves its site's deletion marker for good
      // (docs/operations.md, "Recreating the stacks" imports both queues back).
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.queue = new sqs.Queue(this, 'Jobs', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(DELETION_WORKER_TIMEOUT.toSeconds() * 6),
      retentionPeriod: Duration.days(14),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: DELETION_MAX_RECEIVE_COUNT },
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /**
   * Feeds the worker: one message per invocation, failures reported per message. The mapping adds
   * no rights: the worker's role holds the queue actions of its FunctionSpec (lib/functions.ts).
   */
  public feed(worker: lambda.Function): void {
    worker.addEventSourceMapping('DeletionJobs', {
      eventSourceArn: this.queue.queueArn,
      batchSize: 1,
      reportBatchItemFailures: true,
      maxConcurrency: DELETION_MAX_CONCURRENCY,
    });
  }
}
