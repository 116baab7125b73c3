import * as z from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponsesObject } from 'zod-openapi';
import { ROUTE_TABLE } from '../handlers/routes';
import { RESPONSE_BODIES, type ResponseBodyName } from '../handlers/routes/responses';
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

/** Each named body once, as a component the operations reference. */
const bodySchemas = new Map<ResponseBodyName, z.ZodType>();
const bodySchema = (name: ResponseBodyName): z.ZodType => {
  let schema = bodySchemas.get(name);
  if (!schema) {
    schema = RESPONSE_BODIES[name].meta({ id: name });
    bodySchemas.set(name, schema);
  }
  return schema;
};

const responsesOf = (route: RouteSpec): ZodOpenApiResponsesObject => {
  const responses: ZodOpenApiResponsesObject = {};
  for (const [status, response] of Object.entries(route.responses)) {
    responses[status as `${1 | 2 | 3 | 4 | 5}${string}`] = {
      description: response.description,
      ...(response.body ? { content: { [response.contentType ?? 'application/json']: { schema: bodySchema(response.body) } } } : {}),
    };
  }
  return { ...responses, '4XX': problem, '5XX': problem };
};

const operationOf = (route: RouteSpec): ZodOpenApiOperationObject => {
  const { path, query, headers, body } = route.request ?? {};
  const requestParams = { ...(path ? { path } : {}), ...(query ? { query } : {}), ...(headers ? { header: headers } : {}) };
  return {
    summary: route.summary,
    security: route.access === 'admin' || route.access === 'user' ? [{ connectJwt: [] }] : [],
    ...(Object.keys(requestParams).length ? { requestParams } : {}),
    ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: body } } } } : {}),
    responses: responsesOf(route),
  };
};

let cached: Record<string, unknown> | undefined;

/** The OpenAPI 3.1 document of the API (GET /openapi.json), generated from the route table. */
export const openApiDocument = (): Record<string, unknown> => {
  if (cached) return cached;
  const paths: ZodOpenApiPathsObject = {};
  for (const route of ROUTE_TABLE) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operationOf(route) };
  }
  const document = createDocument({
    openapi: '3.1.0',
    info: { title: 'patgate', version: '0.1.0', description: 'Require User PAT for git actions from Jira issues.' },
    paths,
    components: {
      securitySchemes: { connectJwt: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'JWT <Atlassian Connect token>' } },
    },
  });
  cached = { ...document };
  return cached;
};
