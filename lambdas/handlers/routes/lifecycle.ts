import { defineRoutes } from '../../http/route-spec';
import { LIFECYCLE_TRIGGER_MODULES } from '../../jira/forge-modules';

const accepted = { 204: { description: 'Accepted' } };

/**
 * Served by the `lifecycle` function. The route verifies its own caller (a Forge Invocation Token
 * of the lifecycle trigger: no principal, module `patgate-lifecycle-events`), so its body is not
 * documented as a schema: an unauthenticated caller learns nothing from body errors.
 */
export const LIFECYCLE_ROUTES = defineRoutes({
  forge: {
    method: 'POST',
    path: '/lifecycle/forge',
    access: 'lifecycle',
    modules: LIFECYCLE_TRIGGER_MODULES,
    function: 'lifecycle',
    summary: 'Forge lifecycle trigger (installed, upgraded, uninstalled app events; trigger FIT only)',
    responses: accepted,
  },
});
