import '../../local/esm-only-packages';
import { localVaultFor } from '../../local/local-encryption-key';
import { parseConfig } from '../../lambdas/config';
import { createApiHandler } from '../../lambdas/http/create-api-handler';
import { providersFor } from '../../lambdas/hosts/provider-registry';
import { LocalApiServer, type LocalRoute } from '../../local/api-server';
import { freePort } from '../../local/dynamodb-local';
import { functionRoutes } from '../../local/local-app';
import { createDocumentClient } from '../../lambdas/store/dynamo-client';
import { createDependencies } from '../../lambdas/wiring/dependencies';
import { hostCallOptionsFor } from '../../lambdas/wiring/host-call-options';

/**
 * The local API server alone in this process (started by api-cost.ts with `--import tsx` and an IPC
 * channel), configured from its environment like `npm start`. Unlike `npm start`, each function gets
 * its own dependencies, as its own Lambda container would: no tenant, permission, decrypt or list
 * cache is shared between functions. It tells its URL, then answers `cpu` with its own CPU time, so
 * the parent charges the API exactly what it spent; DynamoDB Local, the Jira and host simulators and
 * the client all run in other processes.
 */
export interface ApiProcessMessage {
  readonly url?: string;
  /** process.cpuUsage() of this process, microseconds. */
  readonly cpu?: { readonly user: number; readonly system: number };
}

const send = (message: ApiProcessMessage): void => {
  process.send?.(message);
};

const main = async (): Promise<void> => {
  const config = parseConfig(process.env);
  const names = Object.keys(
    functionRoutes(() => {
      throw new Error('route tables are built without calling their dependencies');
    }),
  );
  const routes: LocalRoute[] = names.flatMap((name) => {
    let deps: ReturnType<typeof createDependencies> | undefined;
    // Built on first use, like productionDependencies() in each function's handler module.
    const build = () => {
      const db = createDocumentClient({ region: config.region, endpoint: config.dynamoDbEndpoint });
      return createDependencies(config, { db, providers: providersFor(config, hostCallOptionsFor(config, db)), vault: localVaultFor(config) });
    };
    const own = () => (deps ??= build());
    const group = functionRoutes(own)[name] ?? [];
    const handler = createApiHandler(group, { authenticator: () => own().authenticator });
    return group.map((route) => ({ routeKey: route.routeKey, handler: (event) => handler(event) }));
  });
  const server = new LocalApiServer(routes);
  const url = await server.start(await freePort());
  process.on('message', (message: unknown) => {
    if (message === 'cpu') send({ cpu: process.cpuUsage() });
    if (message === 'stop') void server.stop().then(() => process.exit(0));
  });
  process.on('disconnect', () => process.exit(0));
  send({ url });
};

void main().catch((error: unknown) => {
  console.error('api process failed:', error);
  process.exit(1);
});
