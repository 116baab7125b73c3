import { auditQuerySchema, createIntegrationSchemaFor, jiraProjectsQuerySchema, patchIntegrationSchema, repositoryOverrideSchema, type IntegrationKinds } from '../../domain/integration-schemas';
import { BUILT_IN_FAMILIES } from '../../hosts/family-registry';
import { ifMatchOptionalHeaders, ifMatchRequiredHeaders } from '../../http/request-headers';
import { defineRoutes } from '../../http/route-spec';
import { ADMIN_PAGE_MODULES } from '../../jira/forge-modules';
import { integrationPath } from './path-parameters';

/** Served by the `admin` function; every route needs Jira's global ADMINISTER. */
export const ADMIN_ROUTES = defineRoutes({
  listIntegrations: {
    method: 'GET',
    path: '/api/admin/integrations',
    access: 'admin',
    modules: ADMIN_PAGE_MODULES,
    function: 'admin',
    summary: 'List integrations (Jira admin)',
    responses: { 200: { description: 'The tenant\'s integrations', body: 'IntegrationList' } },
  },
  createIntegration: {
    method: 'POST',
    path: '/api/admin/integrations',
    access: 'admin',
    modules: ADMIN_PAGE_MODULES,
    function: 'admin',
    summary: 'Create an integration (Jira admin)',
    request: { body: createIntegrationSchemaFor(BUILT_IN_FAMILIES.kinds) },
    responses: { 201: { description: 'Created; ETag and Location headers name it', body: 'Integration' } },
  },
  getIntegration: {
    method: 'GET',
    path: '/api/admin/integrations/{integrationId}',
    access: 'admin',
    modules: ADMIN_PAGE_MODULES,
    function: 'admin',
    summary: 'Read an integration with its repository overrides',
    request: { path: integrationPath },
    responses: { 200: { description: 'The integration; the ETag header carries its version', body: 'Integration' } },
  },
  patchIntegration: {
    method: 'PATCH',
    path: '/api/admin/integrations/{integrationId}',
    access: 'admin',
    modules: ADMIN_PAGE_MODULES,
    function: 'admin',
    summary: 'Change an integration (If-Match required)',
    request: { path: integrationPath, headers: ifMatchRequiredHeaders, body: patchIntegrationSchema },
    responses: { 200: { description: 'The changed integration; the ETag header carries its new version', body: 'Integration' } },
  },
  deleteIntegration: {
    method: 'DELETE',
    path: '/api/admin/integrations/{integrationId}',
    access: 'admin',
    modules: ADMIN_PAGE_MODULES,
    function: 'admin',
    summary: 'Remove an integration, its overrides and users\' tokens',
    request: { path: integrationPath, headers: ifMatchOptionalHeaders },
    responses: { 204: { description: 'Removed' } },
  },
  setRepositoryOverride: {
    // The repository id travels in the body: it holds `/`, which API Gateway would take for a path separator.
    method: 'PUT',
    path: '/api/admin/integrations/{integrationId}/repositories',
    access: 'admin',
    modules: ADMIN_PAGE_MODULES,
    function: 'admin',
    summary: 'Per-repository Require User PAT override: { repositoryId, requireUserPat } (null inherits); the id is stored canonical',
    request: { path: integrationPath, body: repositoryOverrideSchema },
    responses: { 200: { description: 'The override as stored', body: 'RepositoryOverride' } },
  },
  jiraProjects: {
    method: 'GET',
    path: '/api/admin/jira-projects',
    access: 'admin',
    modules: ADMIN_PAGE_MODULES,
    function: 'admin',
    summary: 'Jira\'s projects for the integration form (project search, paged)',
    request: { query: jiraProjectsQuerySchema },
    responses: { 200: { description: 'One page of the site\'s projects: id, key, name', body: 'JiraProjectPage' } },
  },
  audit: {
    method: 'GET',
    path: '/api/admin/audit',
    access: 'admin',
    modules: ADMIN_PAGE_MODULES,
    function: 'admin',
    summary: 'Audit entries, newest first',
    request: { query: auditQuerySchema },
    responses: { 200: { description: 'One page of entries; `nextCursor` continues', body: 'AuditPage' } },
  },
});

/** The admin routes for the integration kinds of another registry of host families (its request schema). */
export const adminRouteSpecs = (kinds: IntegrationKinds): typeof ADMIN_ROUTES => ({
  ...ADMIN_ROUTES,
  createIntegration: { ...ADMIN_ROUTES.createIntegration, request: { body: createIntegrationSchemaFor(kinds) } },
});
