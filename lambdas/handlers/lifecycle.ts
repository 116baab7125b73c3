import type { Context } from 'aws-lambda';
import type { ApiEvent, ApiResponse } from '../http/api-types';
import { bindRoutes, createApiHandler, type RouteDefinition } from '../http/create-api-handler';
import { isSweepEvent } from '../jira/uninstall-sweep';
import { logger } from '../observability/logger';
import { productionDependencies, rememberInvokedFunctionArn, type Dependencies } from '../wiring/dependencies';
import { LIFECYCLE_ROUTES } from './routes/lifecycle';

export const lifecycleRoutes = (deps: () => Dependencies): RouteDefinition[] =>
  bindRoutes(LIFECYCLE_ROUTES, {
    installed: async ({ request }) => {
      await deps().lifecycle.installed(request);
      return { status: 204 };
    },
    uninstalled: async ({ request }) => {
      await deps().lifecycle.uninstalled(request);
      return { status: 204 };
    },
    // The Forge manifest's lifecycle trigger (installed, upgraded, uninstalled app events).
    forge: async ({ request }) => {
      await deps().lifecycle.forgeEvent(request);
      return { status: 204 };
    },
  });

const api = createApiHandler(lifecycleRoutes(productionDependencies), {
  authenticator: () => productionDependencies().authenticator,
});

/**
 * API Gateway events, plus the one-shot EventBridge Scheduler event of the second uninstall sweep
 * (lambdas/jira/uninstall-sweep.ts), which this same function schedules and receives.
 */
export const handler = async (event: ApiEvent | unknown, context?: Partial<Context>): Promise<ApiResponse | { swept: number }> => {
  rememberInvokedFunctionArn(context?.invokedFunctionArn);
  if (isSweepEvent(event)) {
    const swept = await productionDependencies().lifecycle.sweep(event.patgateSweep.tenant);
    logger.info('scheduled uninstall sweep done', { tenant: event.patgateSweep.tenant, swept });
    return { swept };
  }
  return api(event as ApiEvent, context);
};
