import * as z from 'zod';
import { issueKeySchema } from '../../domain/issue-key';
import { saveTokenSchema } from '../../domain/token-schemas';
import { defineRoutes } from '../../http/route-spec';
import { USER_PAGE_MODULES } from '../../jira/forge-modules';
import { integrationPath } from './path-parameters';

/** `GET /api/me/integrations?issueKey=…`: the issue panel's one call on open also answers the issue's project (docs/architecture.md §11). */
export const myIntegrationsQuerySchema = z.strictObject({ issueKey: issueKeySchema.optional() });

/** Served by the `tokens` function: the signed-in user's own tokens. */
export const TOKEN_ROUTES = defineRoutes({
  myIntegrations: {
    method: 'GET',
    path: '/api/me/integrations',
    access: 'user',
    modules: USER_PAGE_MODULES,
    function: 'tokens',
    summary: 'The user\'s integrations with policy and token status; with issueKey, the permission and availability in its project',
    request: { query: myIntegrationsQuerySchema },
    responses: { 200: { description: 'The tenant\'s integrations as they apply to the user', body: 'MyIntegrations' } },
  },
  saveToken: {
    method: 'PUT',
    path: '/api/me/tokens/{integrationId}',
    access: 'user',
    modules: USER_PAGE_MODULES,
    function: 'tokens',
    summary: 'Save the user\'s PAT (verified with the host first)',
    request: { path: integrationPath, body: saveTokenSchema },
    responses: { 200: { description: 'Saved; the integration as it now applies to the user', body: 'MyIntegration' } },
  },
  deleteToken: {
    method: 'DELETE',
    path: '/api/me/tokens/{integrationId}',
    access: 'user',
    modules: USER_PAGE_MODULES,
    function: 'tokens',
    summary: 'Forget the user\'s PAT',
    request: { path: integrationPath },
    responses: { 204: { description: 'Forgotten' } },
  },
});
