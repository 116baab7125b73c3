import { saveTokenSchema } from '../domain/token-schemas';
import { bindRoutes, createApiHandler, type RouteDefinition } from '../http/create-api-handler';
import { integrationIdOf } from '../http/integration-id';
import { parseInput } from '../http/parse-input';
import { providersFor } from '../hosts/provider-registry';
import { productionDependencies, type Dependencies } from '../wiring/dependencies';
import { myIntegrationsQuerySchema, TOKEN_ROUTES } from './routes/tokens';

export const tokenRoutes = (deps: () => Dependencies): RouteDefinition[] =>
  bindRoutes(TOKEN_ROUTES, {
    // Rendered from per-container cached parts: byte for byte `{ integrations: listMine(…) }`.
    myIntegrations: async ({ request, caller }) => {
      const { issueKey } = parseInput(myIntegrationsQuerySchema, request.query, 'query');
      if (issueKey === undefined) return { status: 200, json: await deps().tokenService.listMineJson(caller.tenant, caller.accountId) };
      // The issue panel's one call on open: the user's permission in the issue's project and which integrations it may use.
      const access = await caller.projectAccess(issueKey);
      return { status: 200, body: await deps().tokenService.listMineForIssue(caller.tenant, caller.accountId, issueKey, access) };
    },
    saveToken: async ({ request, caller }) => {
      const id = integrationIdOf(request);
      const input = parseInput(saveTokenSchema, request.body, 'body');
      return { status: 200, body: await deps().tokenService.save(caller.tenant, caller.accountId, id, input) };
    },
    deleteToken: async ({ request, caller }) => {
      await deps().tokenService.delete(caller.tenant, caller.accountId, integrationIdOf(request));
      return { status: 204 };
    },
  });

const deps = (): Dependencies => productionDependencies(providersFor);

export const handler = createApiHandler(tokenRoutes(deps), { authenticator: () => deps().authenticator });
