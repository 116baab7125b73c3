import type { IntegrationKinds } from '../../domain/integration-schemas';
import { BUILT_IN_FAMILIES } from '../../hosts/family-registry';
import type { RouteSpec } from '../../http/route-spec';
import { adminRouteSpecs } from './admin';
import { GIT_ACTION_ROUTES } from './git-action';
import { LIFECYCLE_ROUTES } from './lifecycle';
import { PRIVACY_ROUTES } from './privacy';
import { PUBLIC_ROUTES } from './public';
import { TOKEN_ROUTES } from './tokens';

/**
 * Every route of the API, the one route table: CDK declares these on API Gateway (lib/api.ts), the
 * OpenAPI document describes them, and each handler binds its function's share (lambdas/handlers).
 */
export const routeTable = (kinds: IntegrationKinds): readonly RouteSpec[] => [
  ...Object.values(PUBLIC_ROUTES),
  ...Object.values(LIFECYCLE_ROUTES),
  ...Object.values(PRIVACY_ROUTES),
  ...Object.values(adminRouteSpecs(kinds)),
  ...Object.values(TOKEN_ROUTES),
  ...Object.values(GIT_ACTION_ROUTES),
];

/** The route table for patgate's own host families (their kinds in the request schemas). */
export const ROUTE_TABLE: readonly RouteSpec[] = routeTable(BUILT_IN_FAMILIES.kinds);
