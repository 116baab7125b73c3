import { openApiDocument } from '../../lambdas/http/openapi-document';
import { adminRoutes } from '../../lambdas/handlers/admin';
import { gitActionRoutes } from '../../lambdas/handlers/git-action';
import { lifecycleRoutes } from '../../lambdas/handlers/lifecycle';
import { publicRoutes } from '../../lambdas/handlers/public';
import { tokenRoutes } from '../../lambdas/handlers/tokens';

describe('OpenAPI document', () => {
  it('documents exactly the routes the handlers serve, with request schemas from zod', () => {
    const never = () => {
      throw new Error('not called');
    };
    const served = [...publicRoutes(), ...lifecycleRoutes(never), ...adminRoutes(never), ...tokenRoutes(never), ...gitActionRoutes(never)].map((r) => r.routeKey).sort();
    const doc = openApiDocument() as { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } }>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort();
    expect(doc.openapi).toBe('3.1.0');
    expect(documented).toEqual(served);
    const create = doc.paths['/api/admin/integrations']?.post?.requestBody?.content['application/json']?.schema;
    expect(Object.keys(create?.properties ?? {})).toEqual(expect.arrayContaining(['name', 'provider', 'serviceCredential', 'requireUserPat']));
  });

  it('documents the pickers\' query parameters from the zod schemas the handler parses with', () => {
    const doc = openApiDocument() as { paths: Record<string, Record<string, { parameters?: { name: string; in: string; required: boolean }[] }>> };
    const parametersOf = (path: string) => (doc.paths[path]?.get?.parameters ?? []).map((p) => `${p.in} ${p.name}${p.required ? '' : '?'}`);
    expect(parametersOf('/api/integrations/{integrationId}/repositories')).toEqual(['path integrationId', 'query issueKey', 'query query?']);
    expect(parametersOf('/api/integrations/{integrationId}/branches')).toEqual(['path integrationId', 'query issueKey', 'query repositoryId', 'query query?']);
  });
});
