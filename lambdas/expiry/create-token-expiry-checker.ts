import type { Config } from '../config';
import type { Clock } from '../domain/clock';
import type { HostFamilies } from '../hosts/family-registry';
import type { ProviderLookup } from '../hosts/provider-registry';
import type { IntegrationStore } from '../store/integration-store';
import type { TokenVault } from '../vault/token-vault';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EventSink } from './event-sink';
import { AuditStore } from '../store/audit-store';
import { ExpiryTokenStore } from './expiry-token-store';
import { ServiceCredentialExpiryStore } from './service-credential-expiry-store';
import { TokenExpiryChecker } from './token-expiry-checker';

/** The parts of the composed dependencies (wiring/dependencies.ts) the checker uses. */
export interface ExpiryCheckerParts {
  readonly config: Pick<Config, 'tableName'>;
  readonly db: DynamoDBDocumentClient;
  readonly clock: Clock;
  readonly vault: TokenVault;
  readonly integrationStore: Pick<IntegrationStore, 'get'>;
  readonly providers: ProviderLookup;
  /** @default BUILT_IN_FAMILIES (see TokenExpiryCheckerOptions) */
  readonly families?: HostFamilies;
}

/** The checker over the same table, vault and host registry as the API functions. */
export const createTokenExpiryChecker = (parts: ExpiryCheckerParts, sink: EventSink): TokenExpiryChecker =>
  new TokenExpiryChecker({
    tokens: new ExpiryTokenStore(parts.db, parts.config.tableName),
    serviceCredentials: new ServiceCredentialExpiryStore(parts.db, parts.config.tableName),
    integrations: parts.integrationStore,
    vault: parts.vault,
    providers: parts.providers,
    ...(parts.families ? { families: parts.families } : {}),
    sink,
    clock: parts.clock,
    drainAuditOutbox: () => new AuditStore(parts.db, parts.config.tableName, parts.clock).drainOutbox(),
  });
