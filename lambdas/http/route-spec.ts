import type * as z from 'zod';
import type { ForgeModuleKey } from '../jira/forge-modules';
import type { ResponseBodyName } from '../handlers/routes/responses';

/**
 * Who may call a route: `public` (health, OpenAPI), `lifecycle` (Forge lifecycle triggers, verified
 * by the route itself; the only route a trigger FIT without a principal reaches), `admin` (Jira
 * ADMINISTER), `user` (any verified Jira user of the tenant; routes about an issue also check
 * VIEW_DEV_TOOLS on its project through `Caller`). Every route but `public` also names the
 * manifest modules whose Forge Invocation Tokens may reach it (`modules`, docs/architecture.md §2).
 */
export type Access = UncalledAccess | CallerAccess;
/** Routes whose handler gets no caller. */
export type UncalledAccess = 'public' | 'lifecycle';
/** Routes whose handler gets an authenticated `Caller`. */
export type CallerAccess = 'admin' | 'user';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The Lambda functions that serve the API (lib/function-specs.ts declares them under these names). */
export type ApiFunctionName = 'public' | 'lifecycle' | 'admin' | 'tokens' | 'gitAction';

export interface ResponseSpec {
  readonly description: string;
  /** The body's schema, by name (lambdas/handlers/routes/responses.ts); absent for an empty body. */
  readonly body?: ResponseBodyName;
  readonly contentType?: string;
}

export interface RequestSpec {
  readonly body?: z.ZodType;
  readonly query?: z.ZodObject;
  readonly path?: z.ZodObject;
  /** Header names as documented (`Idempotency-Key`); the pipeline reads them lower-cased. */
  readonly headers?: z.ZodObject;
}

/**
 * One route of the API, the single source of the route table: the handlers bind a function to it
 * (lambdas/handlers/*.ts), CDK declares it on API Gateway (lib/api.ts), and the OpenAPI document
 * describes it (lambdas/http/openapi-document.ts). Metadata only: no handler code, so lib/ can
 * import it without pulling a Lambda's dependencies into `cdk synth`.
 */
interface RouteSpecFields<A extends Access> {
  readonly method: HttpMethod;
  readonly path: string;
  readonly access: A;
  readonly function: ApiFunctionName;
  readonly summary: string;
  /**
   * The route's service re-checks in its own first read that the site is still installed (git
   * actions read the tenant item in their one BatchGetItem), so the pipeline need not re-read the
   * tenant before this write.
   */
  readonly tenantCheckedInRead?: true;
  readonly request?: RequestSpec;
  /** By status; every route also answers problem+json on 4XX/5XX. */
  readonly responses: Readonly<Record<number, ResponseSpec>>;
}

/**
 * A `public` route names no modules; every other route names the manifest modules (by key) whose
 * FITs may reach it: a page's `invokeRemote` may name any path, so the FIT's module decides.
 */
export type RouteSpec<A extends Access = Access> = A extends 'public'
  ? RouteSpecFields<A> & { readonly modules?: undefined }
  : RouteSpecFields<A> & { readonly modules: readonly ForgeModuleKey[] };

/** API Gateway's route key, e.g. `GET /api/admin/integrations/{integrationId}`. */
export const routeKeyOf = (route: Pick<RouteSpec, 'method' | 'path'>): string => `${route.method} ${route.path}`;

/** Keeps each route's literal `access`, so a handler bound to it gets a `Caller` exactly when it has one. */
export const defineRoutes = <const S extends Readonly<Record<string, RouteSpec>>>(routes: S): S => routes;
