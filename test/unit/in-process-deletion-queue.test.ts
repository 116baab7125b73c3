import { InProcessDeletionQueue } from '../../lambdas/deletion/deletion-queue';
import { DeletionWorker } from '../../lambdas/deletion/deletion-worker';
import { DeletionStore } from '../../lambdas/store/deletion-store';
import { createDocumentClient } from '../../lambdas/store/dynamo-client';
import type { DeletionJob } from '../../lambdas/deletion/deletion-job';

// The real worker and store against a DynamoDB endpoint that refuses connections: every delivery fails.
describe('the in-process deletion queue', () => {
  const db = createDocumentClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9' });
  afterAll(() => db.destroy());
  const job: DeletionJob = { kind: 'integration', jobId: 'a'.repeat(32), tenant: 'jira:t', integrationId: 'abcdef0123456789abcd', phase: 'items', deleted: 0, startedAt: 0 };

  it('delivers a failing job maxReceiveCount times, then sets it aside as dead (SQS: the dead-letter queue)', async () => {
    const worker = new DeletionWorker(new DeletionStore(db, 'patgate'));
    const runs = jest.spyOn(worker, 'run');
    const queue = new InProcessDeletionQueue(worker, { maxReceiveCount: 2 });
    await queue.send(job);
    await queue.idle();
    expect(runs).toHaveBeenCalledTimes(2);
    expect(queue.deadLetters).toEqual([job]);
    expect(queue.pending).toBe(0);
  });

  it('holds messages while paused, and drops pending ones on close', async () => {
    const worker = new DeletionWorker(new DeletionStore(db, 'patgate'));
    const runs = jest.spyOn(worker, 'run');
    const queue = new InProcessDeletionQueue(worker, { paused: true });
    await queue.send(job);
    await queue.send(job, 900);
    // The queue delivers through a 0 ms timer; timers fire in the order they were set, so once this one
    // has fired the first message was due and held back, however slow the machine.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(runs).not.toHaveBeenCalled();
    expect(queue.pending).toBe(2);
    await queue.close();
    expect(queue.pending).toBe(0);
    await expect(queue.send(job)).rejects.toThrow(/closed/);
    expect(runs).not.toHaveBeenCalled();
  });
});
