import { defineRoutes } from '../../http/route-spec';

/** Served by the `public` function. */
export const PUBLIC_ROUTES = defineRoutes({
  health: {
    method: 'GET',
    path: '/health',
    access: 'public',
    function: 'public',
    summary: 'Liveness',
    responses: { 200: { description: 'The API answers', body: 'Health' } },
  },
  openApi: {
    method: 'GET',
    path: '/openapi.json',
    access: 'public',
    function: 'public',
    summary: 'This document',
    responses: { 200: { description: 'The OpenAPI 3.1 document of the API', body: 'OpenApiDocument', contentType: 'application/vnd.oai.openapi+json' } },
  },
});
