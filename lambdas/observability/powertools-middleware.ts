import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from './logger';
import { createMetrics, EmfTelemetry, telemetry, useTelemetry } from './telemetry';
import { loadTracer } from './tracer';

/** The Lambda runtime sets this; the local runtime and tests do not. */
const inLambda = (): boolean => process.env.AWS_LAMBDA_FUNCTION_NAME !== undefined;

let metrics: Metrics | undefined;

/**
 * Metrics for this process: in Lambda, business facts go out as EMF lines (see telemetry.ts) and
 * the first invocation writes a `ColdStart` metric; elsewhere nothing is emitted, so the local
 * walkthrough and the tests print no EMF (a test that reads EMF chooses it with `useTelemetry`).
 */
const metricsMiddleware = (): middy.MiddlewareObj => ({
  before: (request) => {
    if (!inLambda()) return;
    if (!metrics) {
      metrics = createMetrics();
      useTelemetry(new EmfTelemetry(metrics));
    }
    const context = request.context as Partial<Context>;
    metrics.captureColdStartMetric(context.functionName);
  },
  after: (request) => {
    // A request refused because Jira (or Atlassian's install-keys service) did not answer: the Jira
    // clients surface every failed call as JIRA_UNAVAILABLE. Best-effort Jira calls that do not fail
    // the request count themselves through `telemetry.jiraCallFailed`.
    if (problemCodeOf(request.response) === 'JIRA_UNAVAILABLE') {
      telemetry.jiraCallFailed((request.event as { routeKey?: string } | undefined)?.routeKey ?? 'unknown');
    }
  },
});

const problemCodeOf = (response: unknown): string | undefined => {
  const { statusCode, body } = (response ?? {}) as { statusCode?: unknown; body?: unknown };
  if (typeof statusCode !== 'number' || statusCode < 400 || typeof body !== 'string') return undefined;
  try {
    const code: unknown = (JSON.parse(body) as { code?: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Tracer `captureLambdaHandler`, with the tracer loaded before the first handler runs (see
 * tracer.ts: only when tracing is wanted; a no-op otherwise).
 */
const tracingMiddleware = (): middy.MiddlewareObj => {
  let capture: middy.MiddlewareObj | null | undefined;
  return {
    before: async (request) => {
      if (capture === undefined) {
        const loaded = await loadTracer();
        capture = loaded ? (captureLambdaHandler(loaded, { captureResponse: false }) as middy.MiddlewareObj) : null;
      }
      await capture?.before?.(request);
    },
    after: async (request) => {
      await capture?.after?.(request);
    },
    onError: async (request) => {
      await capture?.onError?.(request);
    },
  };
};

/**
 * Powertools on a middy handler, in one `.use(powertools())`:
 * - Logger `injectLambdaContext`: every line carries the request id, function name and `cold_start`;
 * - Tracer `captureLambdaHandler`: a `## handler` subsegment per invocation, with the DynamoDB and
 *   KMS clients (captureAWSv3Client) and HTTP/fetch calls (Jira, git hosts) beneath it, when
 *   tracing is on; responses are not recorded (they may name users and repositories);
 * - Metrics: EMF telemetry and the cold-start metric (above).
 */
export const powertools = (): middy.MiddlewareObj[] => [
  injectLambdaContext(logger) as middy.MiddlewareObj,
  tracingMiddleware(),
  metricsMiddleware(),
];
