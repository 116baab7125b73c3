import { bindRoutes, createApiHandler, type RouteDefinition } from '../http/create-api-handler';
import { productionDependencies, type Dependencies } from '../wiring/dependencies';
import { LIFECYCLE_ROUTES } from './routes/lifecycle';

export const lifecycleRoutes = (deps: () => Dependencies): RouteDefinition[] =>
  bindRoutes(LIFECYCLE_ROUTES, {
    // The Forge manifest's lifecycle trigger (installed, upgraded, uninstalled app events).
    forge: async ({ request }) => {
      await deps().lifecycle.forgeEvent(request, LIFECYCLE_ROUTES.forge.modules);
      return { status: 204 };
    },
  });

export const handler = createApiHandler(lifecycleRoutes(productionDependencies), {
  authenticator: () => productionDependencies().authenticator,
});
