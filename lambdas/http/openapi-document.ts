import * as z from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponsesObject } from 'zod-openapi';
import { routeTable } from '../handlers/routes';
import { responseBodies, type ResponseBodyName } from '../handlers/routes/responses';
import { BUILT_IN_FAMILIES, type HostFamilies } from '../hosts/family-registry';
import type { RouteSpec } from './route-spec';

const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().meta({ description: 'Stable error code clients branch on' }),
    detail: z.string(),
    instance: z.string().optional(),
    correlationId: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    retryAfterSeconds: z.number().int().optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem' });

const problem = { description: 'RFC 9457 problem', content: { 'application/problem+json': { schema: problemSchema } } };

type BodySchema = (name: ResponseBodyName) => z.ZodType;

/** Each named body once, as a component the operations reference. */
const bodySchemasOf = (bodies: Readonly<Record<ResponseBodyName, z.ZodType>>): BodySchema => {
  const schemas = new Map<ResponseBodyName, z.ZodType>();
  return (name) => {
    let schema = schemas.get(name);
    if (!schema) {
      schema = bodies[name].meta({ id: name });
      schemas.set(name, schema);
    }
    return schema;
  };
};

const responsesOf = (route: RouteSpec, bodySchema: BodySchema): ZodOpenApiResponsesObject => {
  const responses: ZodOpenApiResponsesObject = {};
  for (const [status, response] of Object.entries(route.responses)) {
    responses[status as `${1 | 2 | 3 | 4 | 5}${string}`] = {
      description: response.description,
      ...(response.body ? { content: { [response.contentType ?? 'application/json']: { schema: bodySchema(response.body) } } } : {}),
    };
  }
  return { ...responses, '4XX': problem, '5XX': problem };
};

const operationOf = (route: RouteSpec, bodySchema: BodySchema): ZodOpenApiOperationObject => {
  const { path, query, headers, body } = route.request ?? {};
  const requestParams = { ...(path ? { path } : {}), ...(query ? { query } : {}), ...(headers ? { header: headers } : {}) };
  return {
    summary: route.summary,
    // Forge Remote sends both on every call: the FIT as the bearer, the app system token beside it.
    security: route.access === 'public' ? [] : [{ forgeInvocationToken: [], forgeAppSystemToken: [] }],
    ...(Object.keys(requestParams).length ? { requestParams } : {}),
    ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: body } } } } : {}),
    responses: responsesOf(route, bodySchema),
  };
};

const documents = new WeakMap<HostFamilies, Record<string, unknown>>();

/**
 * The OpenAPI 3.1 document of the API (GET /openapi.json), generated from the route table; the
 * integration kinds it lists are those of the host families in use.
 */
export const openApiDocument = (families: HostFamilies = BUILT_IN_FAMILIES): Record<string, unknown> => {
  const cached = documents.get(families);
  if (cached) return cached;
  const bodySchema = bodySchemasOf(responseBodies(families.kinds));
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routeTable(families.kinds)) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operationOf(route, bodySchema) };
  }
  const document = createDocument({
    openapi: '3.1.0',
    info: { title: 'patgate', version: '0.1.0', description: 'Require User PAT for git actions from Jira issues.' },
    paths,
    components: {
      securitySchemes: {
        forgeInvocationToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Forge Invocation Token (FIT), RS256, signed by Atlassian (https://developer.atlassian.com/platform/forge/remote/essentials/)' },
        forgeAppSystemToken: { type: 'apiKey', in: 'header', name: 'x-forge-oauth-system', description: 'The app system token Forge Remote sends with each invocation' },
      },
    },
  });
  const built = { ...document };
  documents.set(families, built);
  return built;
};
