import { parseDeletionJob, type DeletionJob } from '../../lambdas/deletion/deletion-job';
import { SqsDeletionQueue } from '../../lambdas/deletion/sqs-deletion-queue';
import { LoopbackSqs } from '../support/loopback-sqs';

// SQS cannot run here: the queue's real SDK client (@aws-sdk/client-sqs) talks to a loopback SQS
// (test/support/loopback-sqs.ts) that checks the SDK's SigV4 signature and the SendMessage shape.
describe('the SQS deletion queue', () => {
  const queueUrl = 'https://sqs.eu-west-1.amazonaws.com/123456789012/patgate-deletions';
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
  const sqs = new LoopbackSqs([queueUrl], credentials);
  const saved = { ...process.env };
  beforeAll(async () => {
    // The SDK's service-specific endpoint override, as for KMS in the vault's tests.
    process.env.AWS_ENDPOINT_URL_SQS = await sqs.start();
    process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
    delete process.env.AWS_SESSION_TOKEN;
  });
  afterAll(async () => {
    process.env = { ...saved };
    await sqs.stop();
  });

  const job: DeletionJob = { kind: 'tenant', jobId: '0123456789abcdef0123456789abcdef', tenant: 'ari:cloud:ecosystem::installation/abc', pass: 2, phase: 'users', deleted: 7, startedAt: 1, notBefore: 2 };

  it('sends SendMessage, signed by the SDK, with the job as the body and the delay capped at 900 s', async () => {
    const before = sqs.messages.length;
    await new SqsDeletionQueue(queueUrl).send(job, 5000);
    const sent = sqs.messages.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.queueUrl).toBe(queueUrl);
    expect(sent[0]?.delaySeconds).toBe(900);
    expect(parseDeletionJob(sent[0]?.body ?? '')).toEqual(job);
  });

  it('rounds a fractional delay up and a negative one to 0', async () => {
    const queue = new SqsDeletionQueue(queueUrl);
    const before = sqs.messages.length;
    await queue.send(job, 1.2);
    await queue.send(job, -5);
    expect(sqs.messages.slice(before).map((m) => m.delaySeconds)).toEqual([2, 0]);
  });

  it('throws when SQS refuses (the caller answers 500 and is retried)', async () => {
    sqs.refuseNext('AccessDenied', 400);
    await expect(new SqsDeletionQueue(queueUrl).send(job)).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(new SqsDeletionQueue('https://sqs.eu-west-1.amazonaws.com/123456789012/another-queue').send(job)).rejects.toMatchObject({ name: expect.stringMatching(/NonExistentQueue|QueueDoesNotExist/) });
  });

  it('throws when its credentials are not the function\'s (the stand-in checks the signature)', async () => {
    process.env.AWS_SECRET_ACCESS_KEY = 'not-the-secret';
    try {
      await expect(new SqsDeletionQueue(queueUrl).send(job)).rejects.toMatchObject({ name: 'AccessDenied' });
    } finally {
      process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
    }
  });

  it('accepts only an SQS queue URL', () => {
    expect(() => new SqsDeletionQueue('https://evil.example/123456789012/q')).toThrow();
    expect(() => new SqsDeletionQueue('http://sqs.eu-west-1.amazonaws.com/123456789012/q')).toThrow();
  });

  it('refuses a message that is not a job (it fails every delivery and lands in the dead-letter queue)', () => {
    expect(() => parseDeletionJob('not json')).toThrow();
    expect(() => parseDeletionJob(JSON.stringify({ ...job, kind: 'everything' }))).toThrow();
    expect(() => parseDeletionJob(JSON.stringify({ ...job, extra: 1 }))).toThrow();
    expect(() => parseDeletionJob(JSON.stringify({ kind: 'integration', jobId: job.jobId, tenant: 't', integrationId: '../x', phase: 'items', deleted: 0, startedAt: 0 }))).toThrow();
  });
});
