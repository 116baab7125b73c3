import { PRIVACY_REPORT_TRIGGER_MODULES } from '../../jira/forge-modules';
import { defineRoutes } from '../../http/route-spec';

/**
 * Served by the `lifecycle` function. The Forge scheduled trigger `patgate-privacy-report`
 * (docs/privacy.md) reaches it with a FIT without principal; the route verifies that token itself
 * and refuses any other module's, like the lifecycle routes do.
 */
export const PRIVACY_ROUTES = defineRoutes({
  privacyReport: {
    method: 'POST',
    path: '/privacy/report',
    access: 'lifecycle',
    modules: PRIVACY_REPORT_TRIGGER_MODULES,
    function: 'lifecycle',
    summary: 'Forge scheduled trigger (module patgate-privacy-report): report held Atlassian accounts, erase closed ones',
    responses: { 204: { description: 'Run done (or nothing due)' } },
  },
});
