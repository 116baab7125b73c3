import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Context } from 'aws-lambda';
import { createTokenExpiryChecker } from '../expiry/create-token-expiry-checker';
import { EventBridgeEventSink } from '../expiry/eventbridge-event-sink';
import type { ExpiryCheckSummary, TokenExpiryChecker } from '../expiry/token-expiry-checker';
import { logger } from '../observability/logger';
import { providersFor } from '../hosts/provider-registry';
import { productionDependencies } from '../wiring/dependencies';

/**
 * Time kept back from the Lambda timeout: work already started when the budget ends must finish,
 * and the slowest unit is one host call (10 s whole-call timeout) plus its writes and event.
 */
export const SAFETY_MARGIN_MS = 15_000;

let checker: TokenExpiryChecker | undefined;

const checkerFromEnvironment = (): TokenExpiryChecker => {
  const deps = productionDependencies(providersFor);
  const sink = new EventBridgeEventSink(new EventBridgeClient({ region: deps.config.region }), deps.config.eventBusName);
  return createTokenExpiryChecker(deps, sink);
};

/** Invoked hourly by EventBridge Scheduler (DESIGN §7); the event carries nothing the run needs. */
export const handler = async (_event: unknown, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<ExpiryCheckSummary> => {
  checker ??= checkerFromEnvironment();
  const summary = await checker.run({ budgetMs: Math.max(0, context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS) });
  logger.info('token expiry check finished', { summary });
  return summary;
};
