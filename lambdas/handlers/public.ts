import { bindRoutes, createApiHandler, type RouteDefinition } from '../http/create-api-handler';
import { openApiDocument } from '../http/openapi-document';
import { productionDependencies } from '../wiring/dependencies';
import { PUBLIC_ROUTES } from './routes/public';

export const publicRoutes = (): RouteDefinition[] =>
  bindRoutes(PUBLIC_ROUTES, {
    health: async () => ({ status: 200, body: { status: 'ok' } }),
    openApi: async () => ({ status: 200, body: openApiDocument(), headers: { 'content-type': 'application/vnd.oai.openapi+json' } }),
  });

export const handler = createApiHandler(publicRoutes(), { authenticator: () => productionDependencies().authenticator });
