import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localVaultFor } from '../../local/local-encryption-key';
import type { Config } from '../../lambdas/config';
import { gitActionRoutes } from '../../lambdas/handlers/git-action';
import { NEGOTIATED_LOCATIONS } from '../../lambdas/hosts/azure-devops/negotiated-locations';
import { PULL_REQUEST_TARGETS } from '../../lambdas/hosts/codecommit/pull-request-targets';
import { LOCAL_HOSTS_ALLOWED } from '../../lambdas/hosts/outbound-connections';
import { providersFor } from '../../lambdas/hosts/provider-registry';
import { createApiHandler } from '../../lambdas/http/create-api-handler';
import { LocalApiServer } from '../../local/api-server';
import { freePort } from '../../local/dynamodb-local';
import { createDocumentClient } from '../../lambdas/store/dynamo-client';
import { createDependencies } from '../../lambdas/wiring/dependencies';
import { hostCallOptionsFor } from '../../lambdas/wiring/host-call-options';
import type { TokenVault } from '../../lambdas/vault/token-vault';

/**
 * What lives in a container beyond its dependencies: module-level state of the host clients (the
 * kept-alive connections per host, Azure DevOps' negotiated API versions, CodeCommit's pull-request
 * targets). A new container starts without it.
 */
export const dropModuleState = (): void => {
  LOCAL_HOSTS_ALLOWED.destroy();
  NEGOTIATED_LOCATIONS.clear();
  PULL_REQUEST_TARGETS.clear();
};

/**
 * The git-action function as one Lambda container runs it: its own dependencies (own DynamoDB
 * client, vault and decrypt cache, tenant and permission caches), built like
 * `productionDependencies(providersFor)` (the host-call options with CodeCommit's pull request record
 * included), behind its own loopback API Gateway stand-in. Nothing it
 * uses was warmed by the admin, tokens or lifecycle functions (the harness's app), which share only
 * the table, the key and the simulators with it, as in AWS.
 */
export class GitActionContainer {
  private constructor(
    readonly url: string,
    private readonly server: LocalApiServer,
    private readonly db: DynamoDBDocumentClient,
  ) {}

  /**
   * A cold container: `dropModuleState()` first, then fresh dependencies; the vault from the config's
   * key unless one is given. `wire` sees its DynamoDB client (to count it).
   */
  static async start(config: Config, vault?: TokenVault, wire: (db: DynamoDBDocumentClient) => void = () => undefined): Promise<GitActionContainer> {
    dropModuleState();
    const db = createDocumentClient({ region: config.region, endpoint: config.dynamoDbEndpoint });
    wire(db);
    const deps = createDependencies(config, { providers: providersFor(config, hostCallOptionsFor(config, db)), db, vault: vault ?? localVaultFor(config) });
    const routes = gitActionRoutes(() => deps);
    const handler = createApiHandler(routes, { authenticator: () => deps.authenticator });
    const server = new LocalApiServer(routes.map((route) => ({ routeKey: route.routeKey, handler: (event) => handler(event) })));
    const url = await server.start(await freePort());
    return new GitActionContainer(url, server, db);
  }

  async stop(): Promise<void> {
    await this.server.stop();
    this.db.destroy();
  }
}
