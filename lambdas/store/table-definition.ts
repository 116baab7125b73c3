/**
 * The one table of docs/architecture.md §5. Shared by the CDK stack, the local runtime and the tests so the three
 * never drift apart.
 */
export const TABLE_KEYS = { partitionKey: 'PK', sortKey: 'SK' } as const;

/** Tokens with a known expiry: GSI partition `expiryDay` (YYYY-MM-DD), sort `expiresAt` (ISO). */
export const BY_EXPIRY_INDEX = { name: 'byExpiry', partitionKey: 'expiryDay', sortKey: 'expiresAt' } as const;

/** Tokens whose host tells no expiry: GSI partition `reverifyDay` (YYYY-MM-DD), sort `PK`. */
export const BY_REVERIFY_INDEX = { name: 'byReverify', partitionKey: 'reverifyDay', sortKey: 'PK' } as const;

/**
 * Audit entries by actor: GSI partition `auditActor` (`T#{tenant}#A#{accountId}`), sort `SK`. With the
 * per-integration copy of each entry (SK `I#{integrationId}#{time}#{id}` in the audit partition) it
 * answers every audit filter (integration, account, both) with one Query (audit-store.ts). One index,
 * so an existing stack adds it in one update (CloudFormation adds one GSI per update).
 */
export const BY_AUDIT_ACTOR_INDEX = { name: 'byAuditActor', partitionKey: 'auditActor', sortKey: 'SK' } as const;

/** Epoch seconds after which DynamoDB deletes audit and idempotency items. */
export const TTL_ATTRIBUTE = 'ttl';
