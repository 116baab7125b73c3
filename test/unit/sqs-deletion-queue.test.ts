import { SigV4Authorization } from '../../lambdas/hosts/codecommit/simulator/sigv4-authorization';
import { parseDeletionJob, type DeletionJob } from '../../lambdas/deletion/deletion-job';
import { SqsDeletionQueue } from '../../lambdas/deletion/sqs-deletion-queue';

// Unit level on purpose: SQS cannot run here, so the one outgoing HTTPS call is captured (global
// fetch replaced for this test only) and checked as AWS would check it (SigV4 recomputed with the
// CodeCommit simulator's verifier).
describe('the SQS deletion queue', () => {
  afterEach(() => jest.restoreAllMocks());

  const queueUrl = 'https://sqs.eu-west-1.amazonaws.com/123456789012/patgate-deletions';
  const secret = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
  const job: DeletionJob = { kind: 'tenant', jobId: '0123456789abcdef0123456789abcdef', tenant: 'ari:cloud:ecosystem::installation/abc', pass: 2, phase: 'users', deleted: 7, startedAt: 1, notBefore: 2 };

  it('sends SendMessage in the AWS JSON protocol, SigV4-signed for sqs, with the job as the body and the delay capped at 900 s', async () => {
    const sent: { url: string; init: RequestInit }[] = [];
    jest.spyOn(globalThis, 'fetch').mockImplementation(async (url, init) => {
      sent.push({ url: String(url), init: init ?? {} });
      return new Response('{"MessageId":"m"}', { status: 200 });
    });
    const queue = new SqsDeletionQueue(queueUrl, () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: secret, sessionToken: 'session' }));
    await queue.send(job, 5000);
    expect(sent).toHaveLength(1);
    const { url, init } = sent[0] ?? { url: '', init: {} };
    const target = new URL(url);
    expect(`${target.host}${target.pathname}`).toBe('sqs.eu-west-1.amazonaws.com/');
    const headers: Record<string, string> = { ...(init.headers as Record<string, string>), host: target.host };
    expect(headers['x-amz-target']).toBe('AmazonSQS.SendMessage');
    expect(headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(headers['x-amz-security-token']).toBe('session');
    const body = JSON.parse(String(init.body)) as { QueueUrl: string; MessageBody: string; DelaySeconds: number };
    expect(body.QueueUrl).toBe(queueUrl);
    expect(body.DelaySeconds).toBe(900);
    expect(parseDeletionJob(body.MessageBody)).toEqual(job);

    const authorization = SigV4Authorization.parse(headers.authorization);
    expect(authorization?.service).toBe('sqs');
    const request = { method: 'POST', path: '/', query: new URLSearchParams(), headers, rawBody: String(init.body) };
    expect(authorization?.matches(request, secret)).toBe(true);
    expect(authorization?.matches(request, 'another-secret')).toBe(false);
    expect(authorization?.matches({ ...request, rawBody: String(init.body).replace('abc', 'abd') }, secret)).toBe(false);
  });

  it('throws when SQS refuses or cannot be reached, or there are no credentials (the caller answers 500 and is retried)', async () => {
    jest.spyOn(globalThis, 'fetch').mockResolvedValueOnce(new Response('{"__type":"AccessDenied"}', { status: 400 }));
    const credentials = () => ({ accessKeyId: 'a', secretAccessKey: 'b' });
    await expect(new SqsDeletionQueue(queueUrl, credentials).send(job)).rejects.toThrow(/answered 400/);
    jest.spyOn(globalThis, 'fetch').mockRejectedValueOnce(new TypeError('fetch failed'));
    await expect(new SqsDeletionQueue(queueUrl, credentials).send(job)).rejects.toThrow('fetch failed');
    await expect(new SqsDeletionQueue(queueUrl, () => undefined).send(job)).rejects.toThrow(/credentials/);
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
