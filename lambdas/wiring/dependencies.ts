import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseConfig, type Config } from '../config';
import { systemClock, type Clock } from '../domain/clock';
import { ForgeTokenVerifier } from '../jira/forge-invocation-token';
import { LifecycleService } from '../jira/lifecycle-service';
import { IssueLocator, JiraPermissionChecker, type PermissionChecker } from '../jira/permission-checker';
import { RequestAuthenticator } from '../jira/request-authenticator';
import { systemResolver, type HostResolver } from '../hosts/base-url-guard';
import type { HostCallOptions } from '../hosts/git-provider';
import { BUILT_IN_FAMILIES, type HostFamilies } from '../hosts/family-registry';
import type { ProviderLookup } from '../hosts/provider-registry';
import { AppError } from '../domain/errors';
import { instrumentHosts } from '../observability/instrumented-hosts';
import { IssueDevelopmentService } from '../services/issue-development';
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
import { DeletionStore } from '../store/deletion-store';
import { InProcessDeletionQueue, type DeletionQueue } from '../deletion/deletion-queue';
import { DeletionWorker } from '../deletion/deletion-worker';
import { SqsDeletionQueue } from '../deletion/sqs-deletion-queue';
import { defaultEventSink } from '../expiry/default-event-sink';
import type { EventSink } from '../expiry/event-sink';
import { keylessVault, kmsVault, type TokenVault } from '../vault/token-vault';
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
  /** Where uninstalls and integration deletes hand their deletion jobs (lambdas/deletion). */
  readonly deletions: DeletionQueue;
  readonly lifecycle: LifecycleService;
  readonly integrationStore: IntegrationStore;
  readonly integrations: IntegrationService;
  /** The host families in use: which integration kinds exist and their rules (hosts/family-registry.ts). */
  readonly families: HostFamilies;
  readonly tokenStore: TokenStore;
  readonly providers: ProviderLookup;
  readonly tokenService: TokenService;
  readonly gitActions: GitActionService;
  /** The issue panel's branches and pull requests, with its per-container cache of host answers. */
  readonly issueDevelopment: IssueDevelopmentService;
  /**
   * How long one personal data report run may start new steps (lambdas/privacy, docs/privacy.md;
   * the lifecycle handler builds the reporter, so other functions do not bundle it).
   */
  readonly privacyRunBudgetMs: number;
}

export interface DependencyOverrides {
  readonly clock?: Clock;
  readonly vault?: TokenVault;
  readonly db?: DynamoDBDocumentClient;
  readonly permissions?: PermissionChecker;
  readonly deletions?: DeletionQueue;
  readonly resolveHost?: HostResolver;
  readonly providers?: ProviderLookup;
  /** Another registry of host families (a test's toy family); `providers` must serve its kinds. */
  readonly families?: HostFamilies;
  readonly events?: EventSink;
  /** How long one personal data report run may start new steps (default 3 s, under Forge's 5 s trigger timeout). */
  readonly privacyRunBudgetMs?: number;
}

/**
 * The credentials KMS key when the function has one; otherwise a vault that refuses every call with
 * the reason. The deployed code holds no other key: the local runtime (local/local-app.ts) and tests
 * pass their stand-in for KMS as `overrides.vault` (local/local-encryption-key.ts). See
 * docs/architecture.md §6.
 */
const vaultFor = (config: Config): TokenVault => {
  if (config.credentialsKeyId) return kmsVault(config.credentialsKeyId);
  return keylessVault(config.runningInLambda
    ? 'The vault has no key: this function has no KMS key (PATGATE_CREDENTIALS_KEY_ID).'
    : 'The vault has no key: set PATGATE_CREDENTIALS_KEY_ID, or run through the local runtime, which brings its local key.');
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
    { jwksUrl: config.forgeJwksUrl, appId: config.forgeAppId, environmentIds: config.forgeEnvironmentIds, cooldownMs: config.forgeJwksCooldownSeconds * 1000, allowLoopbackApi: config.jiraAllowHttp },
    clock,
  );
  const authenticator = new RequestAuthenticator(tenants, permissions, issues, forgeTokens, clock);
  const deletionStore = new DeletionStore(db, config.tableName);
  const deletions = overrides.deletions ?? deletionQueueFor(config, deletionStore);
  const lifecycle = new LifecycleService(tenants, forgeTokens, authenticator, deletionStore, deletions, clock, {
    secondPassDelayMs: config.uninstallSweepDelaySeconds * 1000,
  });
  const families = overrides.families ?? BUILT_IN_FAMILIES;
  const integrationStore = new IntegrationStore(db, config.tableName, families.kinds);
  const catalog = new IntegrationCatalog(integrationStore, clock);
  const providers = instrumentHosts(overrides.providers ?? noHostAccess);
  const integrations = new IntegrationService(integrationStore, vault, audit, clock, deletions, {
    families,
    providers,
    catalog,
    allowSimulatedHosts: config.allowSimulatedHosts,
    resolveHost: overrides.resolveHost ?? systemResolver,
    events: overrides.events ?? defaultEventSink(config),
  });
  const tokenStore = new TokenStore(db, config.tableName, families.kinds);
  const tokenService = new TokenService(integrationStore, tokenStore, vault, providers, families, audit, clock, catalog);
  const gitActions = new GitActionService(tokenStore, vault, providers, families, audit, new IdempotencyStore(db, config.tableName), clock);
  const issueDevelopment = new IssueDevelopmentService(gitActions, audit, families, clock);
  // Forge waits 5 s for a scheduled trigger's answer (lambdas/privacy/personal-data-reporter.ts).
  const privacyRunBudgetMs = overrides.privacyRunBudgetMs ?? 3_000;
  return { config, clock, db, vault, tenants, audit, permissions, authenticator, forgeTokens, issues, deletions, lifecycle, integrationStore, integrations, families, tokenStore, providers, tokenService, gitActions, issueDevelopment, privacyRunBudgetMs };
};

/** SQS when the stack set a queue URL; otherwise (local runtime, tests) the same worker in this process. */
const deletionQueueFor = (config: Config, store: DeletionStore): DeletionQueue =>
  config.deletionQueueUrl ? new SqsDeletionQueue(config.deletionQueueUrl) : new InProcessDeletionQueue(new DeletionWorker(store));

/**
 * Functions that never call a git host (public, lifecycle) are built without the adapters,
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
