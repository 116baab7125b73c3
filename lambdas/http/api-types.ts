import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type ApiEvent = APIGatewayProxyEventV2;
export type ApiResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number; headers: Record<string, string>; body: string };

export type { ApiRequest } from '../domain/api-request';

export interface ApiResult {
  readonly status: number;
  readonly body?: unknown;
  /** The body already serialised as JSON (sent as is, instead of `JSON.stringify(body)`). */
  readonly json?: string;
  readonly headers?: Readonly<Record<string, string>>;
}
