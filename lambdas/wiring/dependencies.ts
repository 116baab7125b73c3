import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseConfig, type Config } from '../config';
import { systemClock, type Clock } from '../domain/clock';
import { ForgeTokenVerifier } from '../jira/forge-invocation-token';
import { InstallKeys } from '../jira/install-keys';
import { LifecycleService } from '../jira/lifecycle-service';
import { IssueLocator, JiraPermissionChecker, type PermissionChecker } from '../jira/permission-checker';
import { RequestAuthenticator } from '../jira/request-authenticator';
import { EventBridgeSweepScheduler, TimerSweepScheduler, type SweepScheduler } from '../jira/uninstall-sweep';
import { systemResolver, type HostResolver } from '../hosts/base-url-guard';
import type { HostCallOptions } from '../hosts/git-provider';
import { BUILT_IN_FAMILIES, type HostFamilies } from '../hosts/family-registry';
import type { ProviderLookup } from '../hosts/provider-registry';
import { AppError } from '../domain/errors';
import { instrumentHosts } from '../observability/instrumented-hosts';
import { GitActionService } from '../services/git-action-service';
import { IntegrationCatalog } from '../services/integration-catalog';
import { IntegrationService } from '../services/integration-service';
import { TokenService } from '../services/token-service';
import { IdempotencyStore } from '../store/idempotency-store';
import { TokenStore } from '../store/token-store';
import { AuditStore } from '../store/audit-store';
import { IntegrationStore } from '../store/integration-store';
import { createDocumentClient } from '../store/dynamo-client';
import { TenantStore } from '../store/tenant-store';
import { defaultEventSink } from '../expiry/default-event-sink';
import type { EventSink } from '../expiry/event-sink';
import { kmsVault, loadLocalKey, localVault, type TokenVault } from '../vault/token-vault';
import { hostCallOptionsFor } from './host-call-options';

/** Everything the handlers use, built once per Lambda container (or per local runtime / test). */
export interface Dependencies {
  readonly config: Config;
  readonly clock: Clock;
  readonly db: DynamoDBDocumentClient;
  readonly vault: TokenVault;
  readonly tenants: TenantStore;
  readonly audit: AuditStore;
  readonly permissions: PermissionChecker;
  readonly authenticator: RequestAuthenticator;
  readonly forgeTokens: ForgeTokenVerifier;
  readonly issues: IssueLocator;
  readonly sweeps: SweepScheduler;
  readonly lifecycle: LifecycleService;
  readonly integrationStore: IntegrationStore;
  readonly integrations: IntegrationService;
  /** The host families in use: which integration kinds exist and their rules (hosts/family-registry.ts). */
  readonly families: HostFamilies;
  readonly tokenStore: TokenStore;
  readonly providers: ProviderLookup;
  readonly tokenService: TokenService;
  readonly gitActions: GitActionService;
}

export interface DependencyOverrides {
  readonly clock?: Clock;
  readonly vault?: TokenVault;
  readonly db?: DynamoDBDocumentClient;
  readonly permissions?: PermissionChecker;
  readonly sweeps?: SweepScheduler;
  readonly resolveHost?: HostResolver;
  readonly providers?: ProviderLookup;
  /** Another registry of host families (a test's toy family); `providers` must serve its kinds. */
  readonly families?: HostFamilies;
  readonly events?: EventSink;
}

const vaultFor = (config: Config): TokenVault => {
  if (config.credentialsKeyId && config.tenantKeyId) return kmsVault(config.credentialsKeyId, config.tenantKeyId);
  return localVault(loadLocalKey(config.localKey, config.localKeyFile));
};

export const createDependencies = (config: Config, overrides: DependencyOverrides = {}): Dependencies => {
  const clock = overrides.clock ?? systemClock;
  const db = overrides.db ?? createDocumentClient({ region: config.region, endpoint: config.dynamoDbEndpoint });
  const vault = overrides.vault ?? vaultFor(config);
  const tenants = new TenantStore(db, config.tableName);
  const audit = new AuditStore(db, config.tableName, clock);
  const permissions = overrides.permissions ?? new JiraPermissionChecker(clock, config.permissionCacheSeconds);
  const issues = new IssueLocator(clock);
  const forgeTokens = new ForgeTokenVerifier(
    { jwksUrl: config.forgeJwksUrl, appId: config.forgeAppId, cooldownMs: config.forgeJwksCooldownSeconds * 1000, allowLoopbackApi: config.jiraAllowHttp },
    clock,
  );
  const authenticator = new RequestAuthenticator(tenants, vault, permissions, issues, forgeTokens, clock, config.appKey);
  // The sweep needs the lifecycle service, which needs the scheduler: late-bound through this closure.
  const late: { lifecycle?: LifecycleService } = {};
  const sweeps = overrides.sweeps ?? sweepSchedulerFor(config, (clientKey) => late.lifecycle?.sweep(clientKey) ?? Promise.resolve(0));
  const lifecycle = new LifecycleService(tenants, vault, new InstallKeys(config.installKeysUrl, { clock }), forgeTokens, authenticator, audit, sweeps, clock, {
    appBaseUrl: config.appBaseUrl,
    allowHttpSites: config.jiraAllowHttp,
    sweepDelayMs: config.uninstallSweepDelaySeconds * 1000,
  });
  late.lifecycle = lifecycle;
  const families = overrides.families ?? BUILT_IN_FAMILIES;
  const integrationStore = new IntegrationStore(db, config.tableName, families.kinds);
  const catalog = new IntegrationCatalog(integrationStore, clock);
  const integrations = new IntegrationService(integrationStore, vault, audit, clock, {
    families,
    catalog,
    allowSimulatedHosts: config.allowSimulatedHosts,
    resolveHost: overrides.resolveHost ?? systemResolver,
    events: overrides.events ?? defaultEventSink(config),
  });
  const tokenStore = new TokenStore(db, config.tableName, families.kinds);
  const providers = instrumentHosts(overrides.providers ?? noHostAccess);
  const tokenService = new TokenService(integrationStore, tokenStore, vault, providers, families, audit, clock, config.appKey, catalog);
  const gitActions = new GitActionService(tokenStore, vault, providers, families, audit, new IdempotencyStore(db, config.tableName), clock, config.appKey);
  return { config, clock, db, vault, tenants, audit, permissions, authenticator, forgeTokens, issues, sweeps, lifecycle, integrationStore, integrations, families, tokenStore, providers, tokenService, gitActions };
};

/** The ARN of the running Lambda function (set by the lifecycle handler from its context). */
let invokedFunctionArn: string | undefined;
export const rememberInvokedFunctionArn = (arn: string | undefined): void => {
  if (arn) invokedFunctionArn = arn.split(':').slice(0, 7).join(':');
};

const sweepSchedulerFor = (config: Config, sweep: (clientKey: string) => Promise<unknown>): SweepScheduler =>
  config.sweepScheduleGroup && config.sweepRoleArn
    ? new EventBridgeSweepScheduler({ region: config.region, groupName: config.sweepScheduleGroup, roleArn: config.sweepRoleArn, functionArn: () => invokedFunctionArn })
    : new TimerSweepScheduler(sweep);

/**
 * Functions that never call a git host (public, lifecycle, admin) are built without the adapters,
 * so their bundles do not carry four host clients.
 */
const noHostAccess: ProviderLookup = () => {
  throw new AppError('INTERNAL', 'This function has no access to git hosts.');
};

let production: Dependencies | undefined;

/**
 * The Lambda runtime's dependencies, from the environment, built on first use. A function that
 * calls git hosts passes `hostProviders` (see `providersFor` in hosts/provider-registry.ts).
 */
export const productionDependencies = (hostProviders?: (config: Config, options: HostCallOptions) => ProviderLookup): Dependencies => {
  if (production) return production;
  const config = parseConfig(process.env);
  const db = createDocumentClient({ region: config.region, endpoint: config.dynamoDbEndpoint });
  production = createDependencies(config, { db, ...(hostProviders ? { providers: hostProviders(config, hostCallOptionsFor(config, db)) } : {}) });
  return production;
};
