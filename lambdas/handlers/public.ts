import { createApiHandler, type RouteDefinition } from '../http/create-api-handler';
import { openApiDocument } from '../http/openapi-document';
import { productionDependencies } from '../wiring/dependencies';

export const publicRoutes = (): RouteDefinition[] => [
  { routeKey: 'GET /health', access: 'public', handle: async () => ({ status: 200, body: { status: 'ok' } }) },
  {
    routeKey: 'GET /openapi.json',
    access: 'public',
    handle: async () => ({ status: 200, body: openApiDocument(), headers: { 'content-type': 'application/vnd.oai.openapi+json' } }),
  },
];

export const handler = createApiHandler(publicRoutes(), { authenticator: () => productionDependencies().authenticator });
