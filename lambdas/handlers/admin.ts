import {
  auditQuerySchema,
  createIntegrationSchema,
  patchIntegrationSchema,
  repositoryOverrideSchema,
} from '../domain/integration-schemas';
import { createApiHandler, type RouteDefinition } from '../http/create-api-handler';
import { integrationIdOf } from '../http/integration-id';
import { etag, parseInput, versionFromIfMatch } from '../http/parse-input';
import { productionDependencies, type Dependencies } from '../wiring/dependencies';


export const adminRoutes = (deps: () => Dependencies): RouteDefinition[] => [
  {
    routeKey: 'GET /api/admin/integrations',
    access: 'admin',
    contextQsh: true,
    handle: async ({ caller }) => ({ status: 200, body: { integrations: await deps().integrations.list(caller.tenant.clientKey) } }),
  },
  {
    routeKey: 'POST /api/admin/integrations',
    access: 'admin',
    handle: async ({ request, caller }) => {
      const input = parseInput(createIntegrationSchema, request.body, 'body');
      const view = await deps().integrations.create(caller.tenant.clientKey, caller.accountId, input);
      return { status: 201, body: view, headers: { etag: etag(view.version), location: `/api/admin/integrations/${view.id}` } };
    },
  },
  {
    routeKey: 'GET /api/admin/integrations/{integrationId}',
    access: 'admin',
    contextQsh: true,
    handle: async ({ request, caller }) => {
      const view = await deps().integrations.get(caller.tenant.clientKey, integrationIdOf(request));
      return { status: 200, body: view, headers: { etag: etag(view.version) } };
    },
  },
  {
    routeKey: 'PATCH /api/admin/integrations/{integrationId}',
    access: 'admin',
    handle: async ({ request, caller }) => {
      const id = integrationIdOf(request);
      const version = versionFromIfMatch(request.headers['if-match'], true) as number;
      const input = parseInput(patchIntegrationSchema, request.body, 'body');
      const view = await deps().integrations.patch(caller.tenant.clientKey, caller.accountId, id, version, input);
      return { status: 200, body: view, headers: { etag: etag(view.version) } };
    },
  },
  {
    routeKey: 'DELETE /api/admin/integrations/{integrationId}',
    access: 'admin',
    handle: async ({ request, caller }) => {
      const id = integrationIdOf(request);
      await deps().integrations.delete(caller.tenant.clientKey, caller.accountId, id, versionFromIfMatch(request.headers['if-match'], false));
      return { status: 204 };
    },
  },
  {
    // The repository id travels in the body: it holds `/`, which API Gateway would take for a path separator.
    routeKey: 'PUT /api/admin/integrations/{integrationId}/repositories',
    access: 'admin',
    handle: async ({ request, caller }) => {
      const id = integrationIdOf(request);
      const { repositoryId, requireUserPat } = parseInput(repositoryOverrideSchema, request.body, 'body');
      return { status: 200, body: await deps().integrations.setOverride(caller.tenant.clientKey, caller.accountId, id, repositoryId, requireUserPat) };
    },
  },
  {
    routeKey: 'GET /api/admin/audit',
    access: 'admin',
    contextQsh: true,
    handle: async ({ request, caller }) => {
      const query = parseInput(auditQuerySchema, request.query, 'query');
      const page = await deps().audit.list(caller.tenant.clientKey, query);
      return { status: 200, body: page };
    },
  },
];

export const handler = createApiHandler(adminRoutes(productionDependencies), { authenticator: () => productionDependencies().authenticator });

