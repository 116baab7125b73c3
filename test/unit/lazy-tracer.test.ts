import '../support/traced-lambda';
import { KMSClient } from '@aws-sdk/client-kms';
import type { Context } from 'aws-lambda';
import type { ApiEvent } from '../../lambdas/http/api-types';
import { createApiHandler } from '../../lambdas/http/create-api-handler';
import type { RequestAuthenticator } from '../../lambdas/jira/request-authenticator';
import { loadTracer, tracer, tracingWanted } from '../../lambdas/observability/tracer';

/** Names of the middlewares on an SDK client's stack (the X-Ray capture adds its own). */
const middlewareNames = (client: KMSClient): string[] => client.middlewareStack.identify();

describe('the X-Ray tracer, loaded only when tracing is wanted', () => {
  it('is wanted only inside Lambda with POWERTOOLS_TRACE_ENABLED not false', () => {
    expect(tracingWanted({ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' })).toBe(true);
    expect(tracingWanted({ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', POWERTOOLS_TRACE_ENABLED: 'true' })).toBe(true);
    expect(tracingWanted({ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', POWERTOOLS_TRACE_ENABLED: 'FALSE' })).toBe(false);
    // The stack's default (tracing off) and every process outside Lambda: the tracer is never loaded.
    expect(tracingWanted({ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', POWERTOOLS_TRACE_ENABLED: 'false' })).toBe(false);
    expect(tracingWanted({})).toBe(false);
  });

  it('answers "off" before the load, then captures the clients made meanwhile and after', async () => {
    expect(tracer.isTracingEnabled()).toBe(false);
    expect(tracer.provider).toBeUndefined();
    const early = tracer.captureAWSv3Client(new KMSClient({ region: 'us-east-1' }));
    expect(middlewareNames(early).some((name) => /xray/i.test(name))).toBe(false);

    const loaded = await loadTracer();
    expect(loaded?.isTracingEnabled()).toBe(true);
    expect(tracer.isTracingEnabled()).toBe(true);
    expect(tracer.provider).toBeDefined();
    expect(middlewareNames(early).some((name) => /xray/i.test(name))).toBe(true);
    const late = tracer.captureAWSv3Client(new KMSClient({ region: 'us-east-1' }));
    expect(middlewareNames(late).some((name) => /xray/i.test(name))).toBe(true);
    await expect(loadTracer()).resolves.toBe(loaded);
  });

  it('wraps each invocation in a `## <handler>` subsegment once the middleware has loaded the tracer', async () => {
    process.env._HANDLER = 'git-action.handler';
    const handler = createApiHandler([{ routeKey: 'GET /health', access: 'public', handle: () => Promise.resolve({ status: 200, body: { ok: true } }) }], {
      authenticator: () => ({}) as RequestAuthenticator,
    });
    const segment = (await loadTracer())?.getSegment();
    if (!segment) throw new Error('no X-Ray segment');
    const opened: string[] = [];
    const addNewSubsegment = segment.addNewSubsegment.bind(segment);
    jest.spyOn(segment, 'addNewSubsegment').mockImplementation((name: string) => {
      opened.push(name);
      return addNewSubsegment(name);
    });
    const event = { routeKey: 'GET /health', rawPath: '/health', headers: {}, requestContext: { requestId: 'r1', http: { method: 'GET' } }, isBase64Encoded: false } as unknown as ApiEvent;
    const response = await handler(event, { awsRequestId: 'r1', functionName: 'patgate-git-action', getRemainingTimeInMillis: () => 10_000 } as unknown as Context);
    expect(response.statusCode).toBe(200);
    expect(opened).toEqual(['## git-action.handler']);
  });
});
