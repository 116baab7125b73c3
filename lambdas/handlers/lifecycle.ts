import { bindRoutes, createApiHandler, type RouteDefinition } from '../http/create-api-handler';
import { productionDependencies, type Dependencies } from '../wiring/dependencies';
import { LIFECYCLE_ROUTES } from './routes/lifecycle';
import { PRIVACY_ROUTES } from './routes/privacy';

export const lifecycleRoutes = (deps: () => Dependencies): RouteDefinition[] => [
  ...bindRoutes(LIFECYCLE_ROUTES, {
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
  }),
  // The Forge scheduled trigger of the personal data report (docs/privacy.md).
  ...bindRoutes(PRIVACY_ROUTES, {
    privacyReport: async ({ request }) => {
      await deps().privacy.trigger(request);
      return { status: 204 };
    },
  }),
];

export const handler = createApiHandler(lifecycleRoutes(productionDependencies), {
  authenticator: () => productionDependencies().authenticator,
});
