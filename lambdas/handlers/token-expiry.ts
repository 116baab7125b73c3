import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { createTokenExpiryChecker } from '../expiry/create-token-expiry-checker';
import { EventBridgeEventSink } from '../expiry/eventbridge-event-sink';
import type { ExpiryCheckSummary, TokenExpiryChecker } from '../expiry/token-expiry-checker';
import { logger } from '../observability/logger';
import { powertools } from '../observability/powertools-middleware';
import { telemetry } from '../observability/telemetry';
import { tracer } from '../observability/tracer';
import { providersFor } from '../hosts/provider-registry';
import { clientOptionsFor, EVENTBRIDGE_BUDGET } from '../wiring/aws-call-budget';
import { productionDependencies } from '../wiring/dependencies';

/**
 * Time kept back from the Lambda timeout: work already started when the budget ends must finish,
 * and the slowest unit is one host call (10 s whole-call timeout) plus its writes and event.
 */
export const SAFETY_MARGIN_MS = 15_000;

let checker: TokenExpiryChecker | undefined;

const checkerFromEnvironment = (): TokenExpiryChecker => {
  const deps = productionDependencies(providersFor);
  const events = tracer.captureAWSv3Client(new EventBridgeClient({ region: deps.config.region, ...clientOptionsFor(EVENTBRIDGE_BUDGET) }));
  const sink = new EventBridgeEventSink(events, deps.config.eventBusName);
  return createTokenExpiryChecker(deps, sink);
};

const run = async (_event: unknown, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<ExpiryCheckSummary> => {
  checker ??= checkerFromEnvironment();
  const summary = await checker.run({ budgetMs: Math.max(0, context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS) });
  logger.info('token expiry check finished', { summary });
  telemetry.expiryMarked('expiring', summary.markedExpiring);
  telemetry.expiryMarked('expired', summary.markedExpired);
  telemetry.expiryMarked('invalid', summary.markedInvalid);
  telemetry.expiryMarked('service-credential-warned', summary.serviceCredentialWarnings);
  return summary;
};

const wrapped = middy<unknown, ExpiryCheckSummary>().use(powertools()).handler(run);

/**
 * Invoked hourly by EventBridge Scheduler (see docs/architecture.md, token-expiry checker); the
 * event carries nothing the run needs. Powertools (logger context, tracing, metrics) through middy.
 */
export const handler = (event: unknown, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<ExpiryCheckSummary> =>
  wrapped(event, context as Context);
