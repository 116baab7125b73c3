import { Duration, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
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
  /** What each route invokes: the function, or its `live` alias (lib/deploy-safety.ts). */
  readonly functions: Readonly<Record<FunctionName, lambda.IFunction>>;
  /** The only origin CORS allows (the Jira app's iframe). Absent: no CORS, same-origin callers only. */
  readonly allowedOrigin?: string;
  /** Steady-state requests per second across the stage. @default 50 */
  readonly rateLimit?: number;
  /** Burst of requests the stage absorbs above the rate. @default 100 */
  readonly burstLimit?: number;
  /** @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
  /** The API's name (`patgate-<environment>`). @default 'patgate' */
  readonly apiName?: string;
  /**
   * The API's own custom domain (the origin behind the front, lib/front.ts) and its certificate.
   * With one, the `execute-api` endpoint is disabled: the API answers only on its domain.
   */
  readonly originDomain?: { readonly domainName: string; readonly certificateArn: string };
}

/** The three route groups of docs/architecture.md §4, each with its own throttle. */
export type RouteGroup = 'public' | 'lifecycle' | 'api';

export const routeGroupOf = (path: string): RouteGroup => {
  if (path.startsWith('/api/')) return 'api';
  if (path.startsWith('/lifecycle/')) return 'lifecycle';
  return 'public';
};

/**
 * Per-route throttles: one anonymous script on /health or the lifecycle routes cannot spend the
 * buckets tenants' `/api/*` calls use. Each route key gets its own bucket of these sizes (API
 * Gateway's route-level throttling); `api` takes the configured stage rate.
 */
export const routeThrottles = (rateLimit: number, burstLimit: number): Readonly<Record<RouteGroup, { rateLimit: number; burstLimit: number }>> => ({
  public: { rateLimit: 5, burstLimit: 10 },
  lifecycle: { rateLimit: 10, burstLimit: 20 },
  api: { rateLimit, burstLimit },
});

/**
 * The HTTP API: one Lambda proxy integration (payload 2.0) per function, every route
 * declared explicitly (no `$default` catch-all), stage throttling and JSON access logs.
 */
export class Api extends Construct {
  public readonly httpApi: apigwv2.HttpApi;
  public readonly stage: apigwv2.HttpStage;
  public readonly accessLogs: logs.LogGroup;
  public readonly domainName?: apigwv2.DomainName;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      apiName: props.apiName ?? 'patgate',
      description: 'patgate: backend of the Jira app',
      createDefaultStage: false,
      corsPreflight: props.allowedOrigin ? corsFor(props.allowedOrigin) : undefined,
      // A stable address only: the raw execute-api URL must never become what Forge calls.
      disableExecuteApiEndpoint: props.originDomain !== undefined,
    });
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
    });
    const rateLimit = props.rateLimit ?? 50;
    const burstLimit = props.burstLimit ?? 100;
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit, burstLimit },
      // Per-route metrics (Count, 4xx, 5xx, Latency per route key) for the dashboard.
      detailedMetricsEnabled: true,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        format: ACCESS_LOG_FORMAT,
      },
    });
    this.addRoutes(props.functions);
    this.throttleRoutes(routeThrottles(rateLimit, burstLimit));
    if (props.originDomain) this.domainName = this.mapDomain(props.originDomain);
  }

  /** The API's base URL, without a trailing `/` (the `$default` stage serves at the root). */
  public get url(): string {
    return this.domainName ? `https://${this.domainName.name}` : this.httpApi.apiEndpoint;
  }

  private mapDomain(origin: { readonly domainName: string; readonly certificateArn: string }): apigwv2.DomainName {
    const domainName = new apigwv2.DomainName(this, 'OriginDomain', {
      domainName: origin.domainName,
      certificate: acm.Certificate.fromCertificateArn(this, 'OriginCertificate', origin.certificateArn),
      securityPolicy: apigwv2.SecurityPolicy.TLS_1_2,
    });
    new apigwv2.ApiMapping(this, 'OriginMapping', { api: this.httpApi, domainName, stage: this.stage });
    return domainName;
  }

  private throttleRoutes(throttles: Readonly<Record<RouteGroup, { rateLimit: number; burstLimit: number }>>): void {
    const settings = Object.fromEntries(
      routes.map((route) => {
        const throttle = throttles[routeGroupOf(route.path)];
        // RouteSettings is a JSON map in the CloudFormation schema: its keys are written as CloudFormation spells them.
        return [`${route.method} ${route.path}`, { ThrottlingRateLimit: throttle.rateLimit, ThrottlingBurstLimit: throttle.burstLimit, DetailedMetricsEnabled: true }];
      }),
    );
    (this.stage.node.defaultChild as apigwv2.CfnStage).routeSettings = settings;
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
  // if-match: the admin API's optimistic concurrency; etag: read back by the pages.
  allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'if-match'],
  exposeHeaders: ['retry-after', 'etag'],
  // The token travels in a header, never a cookie.
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
    // Why an integration failed (Lambda error, timeout) and the function's own status and request id.
    integrationStatus: '$context.integration.status',
    integrationErrorDetail: '$context.integration.error',
    integrationRequestId: '$context.integration.requestId',
    integrationLatency: '$context.integration.latency',
    errorMessage: '$context.error.message',
    errorResponseType: '$context.error.responseType',
  }),
);

const acknowledgeNoAuthorizer = (route: apigwv2.HttpRoute): void => {
  Validations.of(route).acknowledge({
    id: 'AwsSolutions-APIG4',
    reason:
      'Callers are authenticated in the function: Forge Invocation Tokens (RS256 JWTs verified against ' +
      'Forge\'s JWKS, audience = the app id, environment = the configured ones), checked by the handler ' +
      'with the invocation context it needs; /health and /openapi.json are public by design.',
  });
};
