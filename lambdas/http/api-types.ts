import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type ApiEvent = APIGatewayProxyEventV2;
export type ApiResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number; headers: Record<string, string>; body: string };

/** A parsed request as route handlers see it. */
export interface ApiRequest {
  readonly method: string;
  /** The route key, e.g. `GET /api/admin/integrations/{integrationId}`. */
  readonly routeKey: string;
  readonly path: string;
  readonly pathParameters: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  /** The query string exactly as sent (API Gateway's `rawQueryString`), for Connect's `qsh`. */
  readonly rawQuery?: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The parsed JSON body; undefined when there is none. */
  readonly body: unknown;
  readonly rawBody: string;
  readonly correlationId: string;
}

export interface ApiResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}
