/**
 * A parsed API request as route handlers and the Jira request authenticator see it. Here, beside
 * neither `http` nor `jira`, so the pipeline (which needs a `Caller`) and the authenticator (which
 * reads a request) do not import each other.
 */
export interface ApiRequest {
  readonly method: string;
  /** The route key, e.g. `GET /api/admin/integrations/{integrationId}`. */
  readonly routeKey: string;
  readonly path: string;
  readonly pathParameters: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  /** The query string exactly as sent (API Gateway's `rawQueryString`). */
  readonly rawQuery?: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The parsed JSON body; undefined when there is none. */
  readonly body: unknown;
  readonly rawBody: string;
  readonly correlationId: string;
}
