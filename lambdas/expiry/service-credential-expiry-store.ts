import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tenantPk, TENANT_SK } from '../store/keys';
import { SERVICE_CREDENTIAL_EXPIRY_TYPE, serviceCredentialExpirySk } from '../store/service-credential-expiry';
import { BY_EXPIRY_INDEX } from '../store/table-definition';
import { isServiceCredentialEventType, type ServiceCredentialEventType } from './event-sink';
import type { PageKey } from './expiry-token-store';
import { isServiceCredentialWarning, type ServiceCredentialWarning } from './service-credential-warning';

/** An integration's service-credential entry in the byExpiry index (store/service-credential-expiry.ts). */
export interface ServiceCredentialExpiryEntry {
  readonly tenant: string;
  readonly integrationId: string;
  /** The `setAt` of the credential the entry was written for. */
  readonly credentialSetAt: string;
  readonly expiresAt: string;
  /** The most urgent warning sent so far. */
  readonly warned?: ServiceCredentialWarning;
  /** Set with a new warning, removed once its event is accepted: the outbox of one event. */
  readonly eventPendingFor?: ServiceCredentialEventType;
}

export interface ServiceCredentialPage {
  readonly entries: readonly ServiceCredentialExpiryEntry[];
  readonly itemsRead: number;
  readonly next?: PageKey;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** Parses one index item (unknown at the edge); undefined for anything that is not a well-formed entry. */
export const toServiceCredentialExpiryEntry = (item: Record<string, unknown>): ServiceCredentialExpiryEntry | undefined => {
  const tenant = text(item.tenant);
  const integrationId = text(item.integrationId);
  const credentialSetAt = text(item.credentialSetAt);
  const expiresAt = text(item.expiresAt);
  if (item.type !== SERVICE_CREDENTIAL_EXPIRY_TYPE || !tenant || !integrationId || !credentialSetAt || !expiresAt || !Number.isFinite(Date.parse(expiresAt))) return undefined;
  return {
    tenant,
    integrationId,
    credentialSetAt,
    expiresAt,
    ...(isServiceCredentialWarning(item.warned) ? { warned: item.warned } : {}),
    ...(isServiceCredentialEventType(item.eventPendingFor) ? { eventPendingFor: item.eventPendingFor } : {}),
  };
};

const keyOf = (entry: Pick<ServiceCredentialExpiryEntry, 'tenant' | 'integrationId'>) => ({ PK: tenantPk(entry.tenant), SK: serviceCredentialExpirySk(entry.integrationId) });

const isConditionFailure = (error: unknown): boolean => (error as Error).name === 'ConditionalCheckFailedException';

/**
 * The checker's reads and writes of service-credential entries: Queries of the byExpiry index's `S#`
 * month partitions (never a Scan), and updates conditional on the credential the entry was read for,
 * so a credential replaced meanwhile (a new entry, no warnings yet) is never marked with the old one's.
 */
export class ServiceCredentialExpiryStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** One page of a month partition (`S#YYYY-MM`), entries expiring from `from` to `until` (ISO), soonest first. */
  async queryBucket(bucket: string, from: string, until: string, pageSize: number, start?: PageKey): Promise<ServiceCredentialPage> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: BY_EXPIRY_INDEX.name,
        KeyConditionExpression: '#bucket = :bucket AND #at BETWEEN :from AND :until',
        ExpressionAttributeNames: { '#bucket': BY_EXPIRY_INDEX.partitionKey, '#at': BY_EXPIRY_INDEX.sortKey },
        ExpressionAttributeValues: { ':bucket': bucket, ':from': from, ':until': until },
        Limit: pageSize,
        ExclusiveStartKey: start,
      }),
    );
    const items = out.Items ?? [];
    const entries = items.map(toServiceCredentialExpiryEntry).filter((e): e is ServiceCredentialExpiryEntry => e !== undefined);
    return { entries, itemsRead: out.ScannedCount ?? items.length, ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey } : {}) };
  }

  /** Whether the site is installed now (consistent): an uninstalled tenant's entries wait for its deletion job, unwarned. */
  async tenantInstalled(tenant: string): Promise<boolean> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { PK: tenantPk(tenant), SK: TENANT_SK }, ConsistentRead: true, ProjectionExpression: 'PK' }));
    return Item !== undefined;
  }

  /** Records the warning and the event it owes in one write; undefined when the entry changed since it was read. */
  async markWarned(entry: ServiceCredentialExpiryEntry, warning: ServiceCredentialWarning, event: ServiceCredentialEventType, at: string): Promise<ServiceCredentialExpiryEntry | undefined> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(entry),
          UpdateExpression: 'SET warned = :w, warnedAt = :at, eventPendingFor = :e',
          ConditionExpression: `credentialSetAt = :set AND attribute_not_exists(eventPendingFor) AND ${entry.warned ? 'warned = :old' : 'attribute_not_exists(warned)'}`,
          ExpressionAttributeValues: { ':w': warning, ':at': at, ':e': event, ':set': entry.credentialSetAt, ...(entry.warned ? { ':old': entry.warned } : {}) },
        }),
      );
      return { ...entry, warned: warning, eventPendingFor: event };
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** Whether the table (not the eventually consistent index) still holds this pending event. */
  async stillPending(entry: ServiceCredentialExpiryEntry, event: ServiceCredentialEventType): Promise<boolean> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keyOf(entry), ConsistentRead: true, ProjectionExpression: 'credentialSetAt, eventPendingFor' }));
    return Item?.credentialSetAt === entry.credentialSetAt && Item?.eventPendingFor === event;
  }

  /** After the event was accepted. */
  async clearPendingEvent(entry: ServiceCredentialExpiryEntry, event: ServiceCredentialEventType): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(entry),
          UpdateExpression: 'REMOVE eventPendingFor',
          ConditionExpression: 'credentialSetAt = :set AND eventPendingFor = :e',
          ExpressionAttributeValues: { ':set': entry.credentialSetAt, ':e': event },
        }),
      );
    } catch (error) {
      // Replaced or removed meanwhile: a new credential's entry owes nothing yet.
      if (!isConditionFailure(error)) throw error;
    }
  }
}
