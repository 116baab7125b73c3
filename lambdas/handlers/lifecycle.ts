import { bindRoutes, createApiHandler, type RouteDefinition } from '../http/create-api-handler';
import { productionDependencies, type Dependencies } from '../wiring/dependencies';
import { LIFECYCLE_ROUTES } from './routes/lifecycle';
import { PRIVACY_ROUTES } from './routes/privacy';
import { PersonalDataReporter } from '../privacy/personal-data-reporter';
import { PersonalDataStore } from '../store/personal-data-store';

/** One reporter per dependencies (container), built here so only this function bundles it. */
const reporters = new WeakMap<Dependencies, PersonalDataReporter>();
const reporterOf = (d: Dependencies): PersonalDataReporter => {
  let reporter = reporters.get(d);
  if (!reporter) {
    reporter = new PersonalDataReporter(d.tenants, d.forgeTokens, new PersonalDataStore(d.db, d.config.tableName), d.tokenStore, d.clock, { runBudgetMs: d.privacyRunBudgetMs });
    reporters.set(d, reporter);
  }
  return reporter;
};

export const lifecycleRoutes = (deps: () => Dependencies): RouteDefinition[] => [
  ...bindRoutes(LIFECYCLE_ROUTES, {
    // The Forge manifest's lifecycle trigger (installed, upgraded, uninstalled app events).
    forge: async ({ request }) => {
      await deps().lifecycle.forgeEvent(request, LIFECYCLE_ROUTES.forge.modules);
      return { status: 204 };
    },
  }),
  // The Forge scheduled trigger of the personal data report (docs/privacy.md).
  ...bindRoutes(PRIVACY_ROUTES, {
    privacyReport: async ({ request }) => {
      await reporterOf(deps()).trigger(request);
      return { status: 204 };
    },
  }),
];

export const handler = createApiHandler(lifecycleRoutes(productionDependencies), {
  authenticator: () => productionDependencies().authenticator,
});
