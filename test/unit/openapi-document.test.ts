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
});
