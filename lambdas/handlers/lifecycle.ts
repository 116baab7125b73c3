import { createApiHandler, type RouteDefinition } from '../http/create-api-handler';
import { productionDependencies, type Dependencies } from '../wiring/dependencies';

export const lifecycleRoutes = (deps: () => Dependencies): RouteDefinition[] => [
  {
    routeKey: 'POST /lifecycle/installed',
    access: 'lifecycle',
    handle: async ({ request }) => {
      await deps().lifecycle.installed(request);
      return { status: 204 };
    },
  },
  {
    routeKey: 'POST /lifecycle/uninstalled',
    access: 'lifecycle',
    handle: async ({ request }) => {
      await deps().lifecycle.uninstalled(request);
      return { status: 204 };
    },
  },
];

export const handler = createApiHandler(lifecycleRoutes(productionDependencies), {
  authenticator: () => productionDependencies().authenticator,
});
