import type * as z from 'zod';
import { adminRoutes } from '../../lambdas/handlers/admin';
import { gitActionRoutes } from '../../lambdas/handlers/git-action';
import { lifecycleRoutes } from '../../lambdas/handlers/lifecycle';
import { publicRoutes } from '../../lambdas/handlers/public';
import { ROUTE_TABLE } from '../../lambdas/handlers/routes';
import { RESPONSE_BODIES } from '../../lambdas/handlers/routes/responses';
import { tokenRoutes } from '../../lambdas/handlers/tokens';
import { routeKeyOf, type ApiFunctionName } from '../../lambdas/http/route-spec';
import { openApiDocument } from '../../lambdas/http/openapi-document';
import type { AuditPage } from '../../lambdas/store/audit-store';
import type { GitActionService, Readiness } from '../../lambdas/services/git-action-service';
import type { IntegrationView, IntegrationService } from '../../lambdas/services/integration-service';
import type { BranchPage, RepositoryPage } from '../../lambdas/services/repository-browser';
import type { MyIntegrationView } from '../../lambdas/services/token-service';
import { logicalIdOf, synthPatgate } from './synth-patgate';

// Compile-time: what the services return fits the response schemas the document shows (tsc checks tests).
type DeepReadonly<T> = T extends (infer E)[] ? readonly DeepReadonly<E>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;
type Fits<Actual extends DeepReadonly<Expected>, Expected> = Actual;
export type ResponseTypesFit = [
  Fits<IntegrationView, z.output<typeof RESPONSE_BODIES.Integration>>,
  Fits<{ integrations: (IntegrationView & { tokensExpiringWithin7Days: number })[] }, z.output<typeof RESPONSE_BODIES.IntegrationList>>,
  Fits<Awaited<ReturnType<IntegrationService['setOverride']>>, z.output<typeof RESPONSE_BODIES.RepositoryOverride>>,
  Fits<AuditPage, z.output<typeof RESPONSE_BODIES.AuditPage>>,
  Fits<MyIntegrationView, z.output<typeof RESPONSE_BODIES.MyIntegration>>,
  Fits<Readiness, z.output<typeof RESPONSE_BODIES.Readiness>>,
  Fits<RepositoryPage, z.output<typeof RESPONSE_BODIES.RepositoryPage>>,
  Fits<BranchPage, z.output<typeof RESPONSE_BODIES.BranchPage>>,
  Fits<Awaited<ReturnType<GitActionService['readiness']>>, z.output<typeof RESPONSE_BODIES.Readiness>>,
];

interface Operation {
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
}

const never = () => {
  throw new Error('not called');
};
const SERVED: Record<ApiFunctionName, string[]> = {
  public: publicRoutes().map((r) => r.routeKey),
  lifecycle: lifecycleRoutes(never).map((r) => r.routeKey),
  admin: adminRoutes(never).map((r) => r.routeKey),
  tokens: tokenRoutes(never).map((r) => r.routeKey),
  gitAction: gitActionRoutes(never).map((r) => r.routeKey),
};

describe('one route table (lambdas/handlers/routes)', () => {
  const { stack, template } = synthPatgate();
  const doc = openApiDocument() as { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

  it('has each route once', () => {
    const keys = ROUTE_TABLE.map(routeKeyOf);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('is what each function serves: every route of the table, bound to a handler in the function the table names', () => {
    for (const [fn, served] of Object.entries(SERVED)) {
      expect(served.sort()).toEqual(ROUTE_TABLE.filter((r) => r.function === fn).map(routeKeyOf).sort());
    }
  });

  it('is what CDK synthesizes: every route on API Gateway, integrated with the function the table names', () => {
    const functionIds = Object.fromEntries(Object.entries(stack.functions.byName).map(([name, fn]) => [logicalIdOf(fn), name]));
    const integrations = template.findResources('AWS::ApiGatewayV2::Integration');
    const synthesized = Object.fromEntries(
      Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((route) => {
        const properties = route.Properties as { RouteKey: string; Target: unknown };
        const integrationId = /"Ref":"(\w+)"/.exec(JSON.stringify(properties.Target))?.[1] ?? '';
        const uri = JSON.stringify((integrations[integrationId]?.Properties as { IntegrationUri?: unknown } | undefined)?.IntegrationUri);
        return [properties.RouteKey, functionIds[/"Fn::GetAtt":\["(\w+)","Arn"\]/.exec(uri)?.[1] ?? ''] ?? 'unknown'];
      }),
    );
    expect(synthesized).toEqual(Object.fromEntries(ROUTE_TABLE.map((r) => [routeKeyOf(r), r.function])));
  });

  it('is what the OpenAPI document shows: every route, its parameters, headers, request body and response bodies', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(ROUTE_TABLE.map(routeKeyOf).sort());
    for (const route of ROUTE_TABLE) {
      const op = doc.paths[route.path]?.[route.method.toLowerCase()] as Operation;
      const parameters = (op.parameters ?? []).map((p) => `${p.in} ${p.name}`).sort();
      const expected = [
        ...Object.keys(route.request?.path?.shape ?? {}).map((n) => `path ${n}`),
        ...Object.keys(route.request?.query?.shape ?? {}).map((n) => `query ${n}`),
        ...Object.keys(route.request?.headers?.shape ?? {}).map((n) => `header ${n}`),
      ].sort();
      expect({ route: routeKeyOf(route), parameters }).toEqual({ route: routeKeyOf(route), parameters: expected });
      expect({ route: routeKeyOf(route), body: op.requestBody !== undefined }).toEqual({ route: routeKeyOf(route), body: route.request?.body !== undefined });
      for (const [status, response] of Object.entries(route.responses)) {
        const content = op.responses[status]?.content;
        if (response.body) {
          expect(Object.values(content ?? {})[0]?.schema.$ref).toBe(`#/components/schemas/${response.body}`);
          expect(doc.components.schemas[response.body]).toBeDefined();
        } else {
          expect(content).toBeUndefined();
        }
      }
      expect(op.responses['4XX']?.content?.['application/problem+json']?.schema.$ref).toBe('#/components/schemas/Problem');
    }
  });

  it('documents the Idempotency-Key header on the git actions and If-Match on integration changes', () => {
    const header = (method: string, path: string, name: string) => doc.paths[path]?.[method]?.parameters?.find((p) => p.in === 'header' && p.name === name);
    for (const [method, path] of [['post', '/api/git/branches'], ['delete', '/api/git/branches'], ['post', '/api/git/pull-requests']] as const) {
      expect(header(method, path, 'Idempotency-Key')).toMatchObject({ in: 'header' });
      expect(header(method, path, 'Idempotency-Key')?.required).not.toBe(true);
    }
    expect(header('patch', '/api/admin/integrations/{integrationId}', 'If-Match')?.required).toBe(true);
    expect(header('delete', '/api/admin/integrations/{integrationId}', 'If-Match')?.required).not.toBe(true);
  });
});
