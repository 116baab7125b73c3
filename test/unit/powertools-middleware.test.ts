import '../support/on-demand-lambda';
import type { Context } from 'aws-lambda';
import { AppError } from '../../lambdas/domain/errors';
import type { ApiEvent } from '../../lambdas/http/api-types';
import { createApiHandler, type RouteDefinition } from '../../lambdas/http/create-api-handler';
import { createMetrics, EmfTelemetry, noTelemetry, useTelemetry } from '../../lambdas/observability/telemetry';
import type { RequestAuthenticator } from '../../lambdas/jira/request-authenticator';
import { captureLogs } from '../support/capture-logs';

const routes: RouteDefinition[] = [
  { routeKey: 'GET /health', access: 'public', handle: () => Promise.resolve({ status: 200, body: { ok: true } }) },
  {
    routeKey: 'GET /jira-down',
    access: 'public',
    handle: () => Promise.reject(new AppError('JIRA_UNAVAILABLE', 'Jira did not answer the permission check; try again shortly.', { status: 503 })),
  },
];

const event = (routeKey: string): ApiEvent =>
  ({
    routeKey,
    rawPath: routeKey.split(' ')[1],
    headers: {},
    requestContext: { requestId: `api-${routeKey}`, http: { method: routeKey.split(' ')[0] } },
    isBase64Encoded: false,
  }) as unknown as ApiEvent;

const lambdaContext = (awsRequestId: string): Context =>
  ({
    awsRequestId,
    functionName: 'patgate-admin',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:patgate-admin',
    memoryLimitInMB: '512',
    getRemainingTimeInMillis: () => 10_000,
  }) as unknown as Context;

const jsonLines = (text: string): Record<string, unknown>[] =>
  text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('Powertools through middy on the API handler', () => {
  const handler = createApiHandler(routes, { authenticator: () => ({}) as RequestAuthenticator });

  it('every log line carries the Lambda request id and whether the start was cold', async () => {
    const logs = captureLogs();
    try {
      await handler(event('GET /health'), lambdaContext('req-1'));
      await handler(event('GET /jira-down'), lambdaContext('req-2'));
    } finally {
      logs.restore();
    }
    const lines = jsonLines(logs.text()).filter((l) => !('_aws' in l));
    expect(lines.map((l) => [l.message, l.function_request_id, l.cold_start])).toEqual([
      ['request handled', 'req-1', true],
      ['request refused', 'req-2', false],
    ]);
    for (const line of lines) expect(line).toMatchObject({ function_name: 'patgate-admin', service: 'patgate' });
  });

  it('counts a request Jira failed as JiraCallFailed, by route', async () => {
    const previous = useTelemetry(new EmfTelemetry(createMetrics()));
    const logs = captureLogs();
    try {
      await handler(event('GET /health'), lambdaContext('req-3'));
      await handler(event('GET /jira-down'), lambdaContext('req-4'));
    } finally {
      logs.restore();
      useTelemetry(previous);
    }
    const emf = jsonLines(logs.text()).filter((l) => '_aws' in l);
    expect(emf).toEqual([expect.objectContaining({ JiraCallFailed: 1, operation: 'GET /jira-down', service: 'patgate' })]);
    expect(previous).toBe(noTelemetry);
  });
});
