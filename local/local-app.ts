import type { Config } from '../lambdas/config';
import { createApiHandler, type RouteDefinition } from '../lambdas/http/create-api-handler';
import { adminRoutes } from '../lambdas/handlers/admin';
import { gitActionRoutes } from '../lambdas/handlers/git-action';
import { lifecycleRoutes } from '../lambdas/handlers/lifecycle';
import { tokenRoutes } from '../lambdas/handlers/tokens';
import { publicRoutes } from '../lambdas/handlers/public';
import { providersFor } from '../lambdas/hosts/provider-registry';
import { createDocumentClient } from '../lambdas/store/dynamo-client';
import { createDependencies, type DependencyOverrides, type Dependencies } from '../lambdas/wiring/dependencies';
import { hostCallOptionsFor } from '../lambdas/wiring/host-call-options';
import { LocalApiServer, type LocalRoute } from './api-server';
import { localVaultFor } from './local-encryption-key';

/** Every API function with its routes, exactly as the CDK stack maps them. */
export const functionRoutes = (deps: () => Dependencies): Record<string, RouteDefinition[]> => ({
  public: publicRoutes(),
  lifecycle: lifecycleRoutes(deps),
  admin: adminRoutes(deps),
  tokens: tokenRoutes(deps),
  'git-action': gitActionRoutes(deps),
});

export interface LocalApp {
  readonly deps: Dependencies;
  readonly server: LocalApiServer;
}

/** The API as the Lambdas run it, behind the local API Gateway stand-in. */
export const createLocalApp = (config: Config, overrides: DependencyOverrides = {}): LocalApp => {
  const db = overrides.db ?? createDocumentClient({ region: config.region, endpoint: config.dynamoDbEndpoint });
  const deps = createDependencies(config, { db, providers: providersFor(config, hostCallOptionsFor(config, db, overrides.clock)), ...(config.credentialsKeyId || overrides.vault ? {} : { vault: localVaultFor(config) }), ...overrides });
  const routes: LocalRoute[] = Object.values(functionRoutes(() => deps)).flatMap((group) => {
    const handler = createApiHandler(group, { authenticator: () => deps.authenticator });
    return group.map((route) => ({ routeKey: route.routeKey, handler: (event) => handler(event) }));
  });
  return { deps, server: new LocalApiServer(routes) };
};
