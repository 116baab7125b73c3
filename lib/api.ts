import { Duration, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ROUTE_TABLE } from '../lambdas/handlers/routes';
import type { FunctionName } from './function-specs';

export interface Route {
  readonly method: apigwv2.HttpMethod;
  readonly path: string;
  readonly handler: FunctionName;
}

/**
 * Every route of the one route table (lambdas/handlers/routes, metadata only: no handler code is
 * loaded at synth), and the function that serves each.
 */
export const routes: readonly Route[] = ROUTE_TABLE.map((route) => ({
  method: apigwv2.HttpMethod[route.method],
  path: route.path,
  handler: route.function satisfies FunctionName,
}));

export interface ApiProps {
  readonly functions: Readonly<Record<FunctionName, lambda.IFunction>>;
  /** The only origin CORS allows (the Jira app's iframe). Absent: no CORS, same-origin callers only. */
  readonly allowedOrigin?: string;
  /** Steady-state requests per second across the stage. @default 50 */
  readonly rateLimit?: number;
  /** Burst of requests the stage absorbs above the rate. @default 100 */
  readonly burstLimit?: number;
  /** @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The HTTP API: one Lambda proxy integration (payload 2.0) per function, every route
 * declared explicitly (no `$default` catch-all), stage throttling and JSON access logs.
 */
export class Api extends Construct {
  public readonly httpApi: apigwv2.HttpApi;
  public readonly stage: apigwv2.HttpStage;
  public readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      apiName: 'patgate',
      description: 'patgate: backend of the Jira app',
      createDefaultStage: false,
      corsPreflight: props.allowedOrigin ? corsFor(props.allowedOrigin) : undefined,
    });
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
    });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit ?? 50, burstLimit: props.burstLimit ?? 100 },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        format: ACCESS_LOG_FORMAT,
      },
    });
    this.addRoutes(props.functions);
  }

  /** The API's base URL, without a trailing `/` (the `$default` stage serves at the root). */
  public get url(): string {
    return this.httpApi.apiEndpoint;
  }

  private addRoutes(functions: Readonly<Record<FunctionName, lambda.IFunction>>): void {
    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    for (const route of routes) {
      let integration = integrations.get(route.handler);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${route.handler}Integration`, functions[route.handler]);
        integrations.set(route.handler, integration);
      }
      const [created] = this.httpApi.addRoutes({ path: route.path, methods: [route.method], integration });
      if (created) acknowledgeNoAuthorizer(created);
    }
  }
}

const corsFor = (origin: string): apigwv2.CorsPreflightOptions => ({
  allowOrigins: [origin],
  allowMethods: [
    apigwv2.CorsHttpMethod.GET,
    apigwv2.CorsHttpMethod.POST,
    apigwv2.CorsHttpMethod.PUT,
    apigwv2.CorsHttpMethod.PATCH,
    apigwv2.CorsHttpMethod.DELETE,
  ],
  allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
  exposeHeaders: ['retry-after'],
  // The Connect JWT travels in a header, never a cookie.
  allowCredentials: false,
  maxAge: Duration.hours(1),
});

// No headers, query strings or bodies: the Authorization header carries a JWT, bodies carry PATs.
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    sourceIp: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    routeKey: '$context.routeKey',
    status: '$context.status',
    responseLength: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    integrationLatencyMs: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
  }),
);

const acknowledgeNoAuthorizer = (route: apigwv2.HttpRoute): void => {
  Validations.of(route).acknowledge({
    id: 'AwsSolutions-APIG4',
    reason:
      'Callers are authenticated in the function: Atlassian Connect JWTs (HS256 with each tenant\'s ' +
      'KMS-encrypted shared secret, qsh-bound) and signed install callbacks, which no API Gateway ' +
      'authorizer can verify; /health and /openapi.json are public by design.',
  });
};
