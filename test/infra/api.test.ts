import { Match } from 'aws-cdk-lib/assertions';
import type { FunctionName } from '../../lib/function-specs';
import { logicalIdOf, synthPatgate, TEST_ORIGIN } from './synth-patgate';

// DESIGN §4 and the brief, route by route: written out here so the test checks lib/api.ts.
const EXPECTED_ROUTES: Record<string, FunctionName> = {
  'GET /health': 'public',
  'GET /openapi.json': 'public',
  'POST /lifecycle/forge': 'lifecycle',
  'POST /privacy/report': 'lifecycle',
  'GET /api/admin/jira-projects': 'admin',
  'GET /api/admin/integrations': 'admin',
  'POST /api/admin/integrations': 'admin',
  'GET /api/admin/integrations/{integrationId}': 'admin',
  'PATCH /api/admin/integrations/{integrationId}': 'admin',
  'DELETE /api/admin/integrations/{integrationId}': 'admin',
  'PUT /api/admin/integrations/{integrationId}/repositories': 'admin',
  'GET /api/admin/audit': 'admin',
  'GET /api/me/integrations': 'tokens',
  'PUT /api/me/tokens/{integrationId}': 'tokens',
  'DELETE /api/me/tokens/{integrationId}': 'tokens',
  'GET /api/issues/{issueKey}/git-readiness': 'gitAction',
  'GET /api/issues/{issueKey}/development': 'gitAction',
  'POST /api/git/branches': 'gitAction',
  'DELETE /api/git/branches': 'gitAction',
  'POST /api/git/pull-requests': 'gitAction',
  'GET /api/integrations/{integrationId}/repositories': 'gitAction',
  'GET /api/integrations/{integrationId}/branches': 'gitAction',
};

type Props = Record<string, unknown>;
const propsOf = (resources: Record<string, Record<string, unknown>>): [string, Props][] =>
  Object.entries(resources).map(([id, resource]) => [id, resource.Properties as Props]);

describe('HTTP API (DESIGN §4)', () => {
  const { stack, template } = synthPatgate();

  it('maps every route, and nothing else, to the function that serves it', () => {
    const integrations = new Map(propsOf(template.findResources('AWS::ApiGatewayV2::Integration')));
    const functionIds = Object.fromEntries(
      Object.entries(stack.functions.byName).map(([name, fn]) => [logicalIdOf(fn), name]),
    );
    const actual = Object.fromEntries(
      propsOf(template.findResources('AWS::ApiGatewayV2::Route')).map(([, route]) => {
        const target = JSON.stringify(route.Target);
        const integrationId = /"Ref":"(\w+)"/.exec(target)?.[1] ?? target;
        const uri = JSON.stringify(integrations.get(integrationId)?.IntegrationUri);
        const functionId = /"Fn::GetAtt":\["(\w+)","Arn"\]/.exec(uri)?.[1] ?? uri;
        return [String(route.RouteKey), functionIds[functionId] ?? functionId];
      }),
    );
    expect(actual).toEqual(EXPECTED_ROUTES);
  });

  it('uses Lambda proxy integrations with payload format 2.0', () => {
    const integrations = propsOf(template.findResources('AWS::ApiGatewayV2::Integration'));
    expect(integrations.length).toBe(5);
    for (const [, integration] of integrations) {
      expect(integration).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
    }
  });

  it('lets API Gateway invoke each function only for its own routes', () => {
    const permissions = propsOf(template.findResources('AWS::Lambda::Permission'));
    expect(permissions.length).toBe(Object.keys(EXPECTED_ROUTES).length);
    for (const [, permission] of permissions) {
      expect(permission.Principal).toBe('apigateway.amazonaws.com');
      expect(JSON.stringify(permission.SourceArn)).toMatch(/\/\*\/\*\/(health|openapi\.json|lifecycle|privacy|api)/);
    }
  });

  it('allows CORS for the app origin only, without credentials', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowOrigins: [TEST_ORIGIN],
        AllowCredentials: false,
        AllowHeaders: Match.arrayWith(['authorization', 'content-type', 'idempotency-key']),
      },
    });
    // The admin API's optimistic concurrency: the pages send If-Match and read ETag back.
    const [[, api]] = propsOf(template.findResources('AWS::ApiGatewayV2::Api')) as [[string, Props]];
    const cors = api.CorsConfiguration as { AllowHeaders: string[]; ExposeHeaders: string[] };
    expect(cors.AllowHeaders).toContain('if-match');
    expect(cors.ExposeHeaders).toEqual(expect.arrayContaining(['etag', 'retry-after']));
  });

  it('has no CORS at all when no origin is configured (same-origin callers only)', () => {
    const sameOrigin = synthPatgate({ allowedOrigin: undefined }).template;
    sameOrigin.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
  });

  it('throttles the stage and writes JSON access logs without headers or bodies', () => {
    const accessLogs = logicalIdOf(stack.api.accessLogs);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingBurstLimit: 100, ThrottlingRateLimit: 50 },
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [accessLogs, 'Arn'] } },
    });
    const [[, stage]] = propsOf(template.findResources('AWS::ApiGatewayV2::Stage')) as [[string, Props]];
    const format = JSON.parse(String((stage.AccessLogSettings as Props).Format)) as Record<string, string>;
    expect(format).toMatchObject({ requestId: '$context.requestId', routeKey: '$context.routeKey', status: '$context.status' });
    // Why an integration failed: Lambda's error and status, its request id, and API Gateway's own error.
    expect(format).toMatchObject({
      integrationError: '$context.integrationErrorMessage',
      integrationStatus: '$context.integration.status',
      integrationErrorDetail: '$context.integration.error',
      integrationRequestId: '$context.integration.requestId',
      errorMessage: '$context.error.message',
      errorResponseType: '$context.error.responseType',
    });
    expect(Object.values(format).join(' ')).not.toMatch(/header|authorization|body|querystring/i);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  it('gives the functions the API URL as the app base URL unless one is configured', () => {
    const apiId = logicalIdOf(stack.api.httpApi);
    const gitAction = logicalIdOf(stack.functions.byName.gitAction);
    const envOf = (t: typeof template, id: string) =>
      (t.toJSON().Resources[id] as { Properties: { Environment: { Variables: Props } } }).Properties.Environment.Variables;
    expect(envOf(template, gitAction).PATGATE_APP_BASE_URL).toEqual({ 'Fn::GetAtt': [apiId, 'ApiEndpoint'] });
    const custom = synthPatgate({ appBaseUrl: 'https://patgate.example.com' }).template;
    expect(envOf(custom, gitAction).PATGATE_APP_BASE_URL).toBe('https://patgate.example.com');
    expect(envOf(template, gitAction).PATGATE_ALLOWED_ORIGIN).toBe(TEST_ORIGIN);
  });
});
