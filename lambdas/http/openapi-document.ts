import * as z from 'zod';
import { createIntegrationSchema, patchIntegrationSchema, repositoryOverrideSchema } from '../domain/integration-schemas';
import { createBranchSchema, createPullRequestSchema, deleteBranchSchema } from '../services/git-action-service';
import { saveTokenSchema } from '../services/token-service';
import { branchPickerQuerySchema, repositoryPickerQuerySchema } from '../services/repository-browser';

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly summary: string;
  readonly security: 'none' | 'jira-lifecycle' | 'jwt';
  readonly body?: z.ZodType;
  /** Query parameters, from the schema the handler parses them with. */
  readonly query?: z.ZodObject;
  readonly success: number;
}

/** Every route of DESIGN §4; request bodies come from the same zod schemas the handlers parse with. */
const OPERATIONS: readonly Operation[] = [
  { method: 'get', path: '/health', summary: 'Liveness', security: 'none', success: 200 },
  { method: 'get', path: '/openapi.json', summary: 'This document', security: 'none', success: 200 },
  { method: 'post', path: '/lifecycle/installed', summary: 'Atlassian Connect install callback (RS256-signed)', security: 'jira-lifecycle', success: 204 },
  { method: 'post', path: '/lifecycle/uninstalled', summary: 'Atlassian Connect uninstall callback; deletes all the site\'s data', security: 'jira-lifecycle', success: 204 },
  { method: 'post', path: '/lifecycle/forge', summary: 'Forge lifecycle trigger (installed, upgraded, uninstalled app events; FIT-authenticated)', security: 'jira-lifecycle', success: 204 },
  { method: 'get', path: '/api/admin/integrations', summary: 'List integrations (Jira admin)', security: 'jwt', success: 200 },
  { method: 'post', path: '/api/admin/integrations', summary: 'Create an integration (Jira admin)', security: 'jwt', body: createIntegrationSchema, success: 201 },
  { method: 'get', path: '/api/admin/integrations/{integrationId}', summary: 'Read an integration with its repository overrides', security: 'jwt', success: 200 },
  { method: 'patch', path: '/api/admin/integrations/{integrationId}', summary: 'Change an integration (If-Match required)', security: 'jwt', body: patchIntegrationSchema, success: 200 },
  { method: 'delete', path: '/api/admin/integrations/{integrationId}', summary: 'Remove an integration, its overrides and users\' tokens', security: 'jwt', success: 204 },
  { method: 'put', path: '/api/admin/integrations/{integrationId}/repositories', summary: 'Per-repository Require User PAT override: { repositoryId, requireUserPat } (null inherits); the id is stored canonical', security: 'jwt', body: repositoryOverrideSchema, success: 200 },
  { method: 'get', path: '/api/admin/audit', summary: 'Audit entries, newest first', security: 'jwt', success: 200 },
  { method: 'get', path: '/api/me/integrations', summary: 'The user\'s integrations with policy and token status', security: 'jwt', success: 200 },
  { method: 'put', path: '/api/me/tokens/{integrationId}', summary: 'Save the user\'s PAT (verified with the host first)', security: 'jwt', body: saveTokenSchema, success: 200 },
  { method: 'delete', path: '/api/me/tokens/{integrationId}', summary: 'Forget the user\'s PAT', security: 'jwt', success: 204 },
  { method: 'get', path: '/api/issues/{issueKey}/git-readiness', summary: 'What the user will see before acting', security: 'jwt', success: 200 },
  { method: 'post', path: '/api/git/branches', summary: 'Create a branch', security: 'jwt', body: createBranchSchema, success: 201 },
  { method: 'delete', path: '/api/git/branches', summary: 'Delete a branch', security: 'jwt', body: deleteBranchSchema, success: 200 },
  { method: 'post', path: '/api/git/pull-requests', summary: 'Create a pull request', security: 'jwt', body: createPullRequestSchema, success: 201 },
  { method: 'get', path: '/api/integrations/{integrationId}/repositories', summary: 'Repositories the acting credential sees (first 50 matches)', security: 'jwt', query: repositoryPickerQuerySchema, success: 200 },
  { method: 'get', path: '/api/integrations/{integrationId}/branches', summary: 'Branches of a repository, default branch first (first 50 matches)', security: 'jwt', query: branchPickerQuerySchema, success: 200 },
];

const problem = { description: 'RFC 9457 problem', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };

const jsonSchema = (schema: z.ZodType): unknown => {
  try {
    return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  } catch {
    return { type: 'object' };
  }
};

let cached: Record<string, unknown> | undefined;

/** The OpenAPI 3.1 document of the API (GET /openapi.json). */
export const openApiDocument = (): Record<string, unknown> => {
  if (cached) return cached;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const parameters = [
      ...[...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } })),
      ...Object.entries(op.query?.shape ?? {}).map(([name, schema]) => ({ name, in: 'query', required: !(schema as z.ZodType).safeParse(undefined).success, schema: jsonSchema(schema as z.ZodType) })),
    ];
    paths[op.path] ??= {};
    (paths[op.path] as Record<string, unknown>)[op.method] = {
      summary: op.summary,
      ...(parameters.length ? { parameters } : {}),
      ...(op.security === 'jwt' ? { security: [{ connectJwt: [] }] } : { security: [] }),
      ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body) } } } } : {}),
      responses: { [String(op.success)]: { description: 'Success' }, '4XX': problem, '5XX': problem },
    };
  }
  cached = {
    openapi: '3.1.0',
    info: { title: 'patgate', version: '0.1.0', description: 'Require User PAT for git actions from Jira issues.' },
    paths,
    components: {
      securitySchemes: { connectJwt: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'JWT <Atlassian Connect token>' } },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'code', 'detail'],
          properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, code: { type: 'string' }, detail: { type: 'string' }, errors: { type: 'array' } },
        },
      },
    },
  };
  return cached;
};
