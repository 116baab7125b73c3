import { defineRoutes } from '../../http/route-spec';

const accepted = { 204: { description: 'Accepted' } };

/**
 * Served by the `lifecycle` function. The routes verify their own caller (Atlassian's RS256-signed
 * Connect callbacks, or a Forge Invocation Token), so their bodies are not documented as schemas:
 * an unsigned caller learns nothing from body errors.
 */
export const LIFECYCLE_ROUTES = defineRoutes({
  installed: {
    method: 'POST',
    path: '/lifecycle/installed',
    access: 'lifecycle',
    function: 'lifecycle',
    summary: 'Atlassian Connect install callback (RS256-signed)',
    responses: accepted,
  },
  uninstalled: {
    method: 'POST',
    path: '/lifecycle/uninstalled',
    access: 'lifecycle',
    function: 'lifecycle',
    summary: 'Atlassian Connect uninstall callback; deletes all the site\'s data',
    responses: accepted,
  },
  forge: {
    method: 'POST',
    path: '/lifecycle/forge',
    access: 'lifecycle',
    function: 'lifecycle',
    summary: 'Forge lifecycle trigger (installed, upgraded, uninstalled app events; FIT-authenticated)',
    responses: accepted,
  },
});
