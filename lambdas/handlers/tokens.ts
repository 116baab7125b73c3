import { createApiHandler, type RouteDefinition } from '../http/create-api-handler';
import { integrationIdOf } from '../http/integration-id';
import { parseInput } from '../http/parse-input';
import { saveTokenSchema } from '../services/token-service';
import { providersFor } from '../hosts/provider-registry';
import { productionDependencies, type Dependencies } from '../wiring/dependencies';


export const tokenRoutes = (deps: () => Dependencies): RouteDefinition[] => [
  {
    routeKey: 'GET /api/me/integrations',
    access: 'user',
    contextQsh: true,
    handle: async ({ caller }) => ({ status: 200, body: { integrations: await deps().tokenService.listMine(caller.tenant, caller.accountId) } }),
  },
  {
    routeKey: 'PUT /api/me/tokens/{integrationId}',
    access: 'user',
    handle: async ({ request, caller }) => {
      const id = integrationIdOf(request);
      const input = parseInput(saveTokenSchema, request.body, 'body');
      return { status: 200, body: await deps().tokenService.save(caller.tenant, caller.accountId, id, input) };
    },
  },
  {
    routeKey: 'DELETE /api/me/tokens/{integrationId}',
    access: 'user',
    handle: async ({ request, caller }) => {
      await deps().tokenService.delete(caller.tenant, caller.accountId, integrationIdOf(request));
      return { status: 204 };
    },
  },
];

const deps = (): Dependencies => productionDependencies(providersFor);

export const handler = createApiHandler(tokenRoutes(deps), { authenticator: () => deps().authenticator });
