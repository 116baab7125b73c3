import type { RouteSpec } from '../../http/route-spec';
import { ADMIN_ROUTES } from './admin';
import { GIT_ACTION_ROUTES } from './git-action';
import { LIFECYCLE_ROUTES } from './lifecycle';
import { PUBLIC_ROUTES } from './public';
import { TOKEN_ROUTES } from './tokens';

/**
 * Every route of the API, the one route table: CDK declares these on API Gateway (lib/api.ts), the
 * OpenAPI document describes them, and each handler binds its function's share (lambdas/handlers).
 */
export const ROUTE_TABLE: readonly RouteSpec[] = [
  ...Object.values(PUBLIC_ROUTES),
  ...Object.values(LIFECYCLE_ROUTES),
  ...Object.values(ADMIN_ROUTES),
  ...Object.values(TOKEN_ROUTES),
  ...Object.values(GIT_ACTION_ROUTES),
];
