import { DeleteCommand, GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { AppError } from '../domain/errors';
import { BUILT_IN_KINDS, type ProviderKind } from '../domain/integration';
import type { IntegrationRecord, RepositoryOverrideRecord } from '../domain/records';
import type { ProjectRef } from '../domain/project-association';
import { parseIntegrationItem, projectRefs } from './item-codecs';
import { queryPartition } from './partition-items';
import { DELETION_MARKER_TYPE, type DeletionMarker } from './deletion-store';
import { cancellationCodes, tenantInstalled, throwIfNotInstalled } from './tenant-guard';
import { deleteTokenCounted, holdersOf } from './token-holders';
import { serviceCredentialExpiryWrites } from './service-credential-expiry';
import {
  INTEGRATION_SK_PREFIX,
  integrationDeletionSk,
  integrationSk,
  overrideSk,
  overrideSkPrefix,
  tenantPk,
  USER_MARKER_PREFIX,
} from './keys';

const nameSk = (name: string): string => `NAME#${name.trim().toLowerCase()}`;

const conflictOnName = (): AppError => new AppError('CONFLICT', 'An integration with this name already exists.', { errors: [{ field: 'name', message: 'already used' }] });
const changedSince = (): AppError => new AppError('PRECONDITION_FAILED', 'The integration has changed since you read it; reload and try again.');

/** Integrations, their names (unique per tenant) and their per-repository overrides. */
export class IntegrationStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** The integration kinds of the host families in use: an item of another kind does not parse. */
    private readonly kinds: readonly ProviderKind[] = BUILT_IN_KINDS,
  ) {}

  /** The job id of the integration's deletion, while its deletion marker exists (lambdas/deletion). */
  async deletionJobOf(tenant: string, integrationId: string): Promise<string | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { PK: tenantPk(tenant), SK: integrationDeletionSk(integrationId) }, ConsistentRead: true }));
    return typeof Item?.jobId === 'string' ? Item.jobId : undefined;
  }

  async get(tenant: string, integrationId: string): Promise<IntegrationRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { PK: tenantPk(tenant), SK: integrationSk(integrationId) }, ConsistentRead: true }));
    return Item ? toIntegration(Item, this.kinds) : undefined;
  }

  /** The tenant's integrations, all their overrides and token-holder counts, in one Query of the tenant partition. */
  async listWithOverrides(tenant: string): Promise<{ integrations: IntegrationRecord[]; overrides: RepositoryOverrideRecord[]; tokenHolders: Map<string, number> }> {
    const items = await this.#itemsUnder(tenantPk(tenant), INTEGRATION_SK_PREFIX);
    return {
      integrations: items.filter((i) => i.type === 'integration').map((item) => toIntegration(item, this.kinds)),
      overrides: items.filter((i) => i.type === 'override').map(toOverride),
      tokenHolders: holdersOf(items),
    };
  }

  /** One integration's overrides and token-holder count, in one Query (`INT#<id>#…`). */
  async overridesAndHolders(tenant: string, integrationId: string): Promise<{ overrides: RepositoryOverrideRecord[]; tokenHolders: number }> {
    const items = await this.#itemsUnder(tenantPk(tenant), `${integrationSk(integrationId)}#`);
    return { overrides: items.filter((i) => i.type === 'override').map(toOverride), tokenHolders: holdersOf(items).get(integrationId) ?? 0 };
  }

  async overridesOf(tenant: string, integrationId: string): Promise<RepositoryOverrideRecord[]> {
    return (await this.#itemsUnder(tenantPk(tenant), overrideSkPrefix(integrationId))).map(toOverride);
  }

  async getOverride(tenant: string, integrationId: string, repositoryId: string): Promise<RepositoryOverrideRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { PK: tenantPk(tenant), SK: overrideSk(integrationId, repositoryId) } }));
    return Item ? toOverride(Item) : undefined;
  }

  async create(record: IntegrationRecord): Promise<void> {
    const pk = tenantPk(record.tenant);
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            tenantInstalled(this.tableName, record.tenant),
            { Put: { TableName: this.tableName, Item: { PK: pk, SK: integrationSk(record.id), type: 'integration', ...record }, ConditionExpression: 'attribute_not_exists(PK)' } },
            { Put: { TableName: this.tableName, Item: { PK: pk, SK: nameSk(record.name), type: 'name', integrationId: record.id }, ConditionExpression: 'attribute_not_exists(PK)' } },
            // Ids are random (80 bits) and never reused; this makes a collision with an id whose
            // deletion job still runs impossible rather than improbable (the job would delete its items).
            { ConditionCheck: { TableName: this.tableName, Key: { PK: pk, SK: integrationDeletionSk(record.id) }, ConditionExpression: 'attribute_not_exists(PK)' } },
            // Last, so the reasons' indexes above stay: the credential's byExpiry entry (docs/architecture.md §7).
            ...serviceCredentialExpiryWrites(this.tableName, undefined, record),
          ],
        }),
      );
    } catch (error) {
      throwIfNotInstalled(error);
      if (cancellationCodes(error)?.[3] === 'ConditionalCheckFailed') throw new AppError('CONFLICT', 'The new integration\'s id is taken; send the request again.');
      if (error instanceof TransactionCanceledException) throw conflictOnName();
      throw error;
    }
  }

  /** Replaces the integration if it is still at `expectedVersion`; keeps the name index in step. */
  async update(previous: IntegrationRecord, next: IntegrationRecord, expectedVersion: number): Promise<void> {
    const pk = tenantPk(next.tenant);
    const renamed = nameSk(previous.name) !== nameSk(next.name);
    const put = {
      Put: {
        TableName: this.tableName,
        Item: { PK: pk, SK: integrationSk(next.id), type: 'integration', ...next },
        ConditionExpression: 'attribute_exists(PK) AND #v = :v',
        ExpressionAttributeNames: { '#v': 'version' },
        ExpressionAttributeValues: { ':v': expectedVersion },
      },
    };
    const items = renamed
      ? [
          tenantInstalled(this.tableName, next.tenant),
          put,
          { Delete: { TableName: this.tableName, Key: { PK: pk, SK: nameSk(previous.name) } } },
          { Put: { TableName: this.tableName, Item: { PK: pk, SK: nameSk(next.name), type: 'name', integrationId: next.id }, ConditionExpression: 'attribute_not_exists(PK)' } },
        ]
      : [tenantInstalled(this.tableName, next.tenant), put];
    try {
      // Last, so the reasons' indexes above stay: the credential's byExpiry entry, when the credential changes (§7).
      await this.db.send(new TransactWriteCommand({ TransactItems: [...items, ...serviceCredentialExpiryWrites(this.tableName, previous, next)] }));
    } catch (error) {
      throwIfNotInstalled(error);
      if (error instanceof TransactionCanceledException) {
        const reasons = error.CancellationReasons ?? [];
        if (reasons[1]?.Code === 'ConditionalCheckFailed') throw changedSince();
        if (reasons[3]?.Code === 'ConditionalCheckFailed') throw conflictOnName();
        throw changedSince();
      }
      throw error;
    }
  }

  /**
   * The request side of an integration delete, one transaction: the integration item (at
   * `expectedVersion` if given) and its name go, so no action, readiness check, list or token save
   * can use it from this moment, and the deletion marker naming `jobId` comes. Its overrides,
   * token-holder counter and users' tokens are the deletion job's (lambdas/deletion).
   */
  async delete(record: IntegrationRecord, expectedVersion: number | undefined, marker: DeletionMarker): Promise<void> {
    const pk = tenantPk(record.tenant);
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            tenantInstalled(this.tableName, record.tenant),
            {
              Delete: {
                TableName: this.tableName,
                Key: { PK: pk, SK: integrationSk(record.id) },
                ConditionExpression: expectedVersion === undefined ? 'attribute_exists(PK)' : 'attribute_exists(PK) AND #v = :v',
                ...(expectedVersion === undefined ? {} : { ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }),
              },
            },
            { Delete: { TableName: this.tableName, Key: { PK: pk, SK: nameSk(record.name) } } },
            { Put: { TableName: this.tableName, Item: { PK: pk, SK: integrationDeletionSk(record.id), type: DELETION_MARKER_TYPE, integrationId: record.id, ...marker } } },
            // The credential's byExpiry entry goes with the integration: no warning about a deleted one (§7).
            ...serviceCredentialExpiryWrites(this.tableName, record, undefined),
          ],
        }),
      );
    } catch (error) {
      throwIfNotInstalled(error);
      if (cancellationCodes(error)?.[1] === 'ConditionalCheckFailed') throw changedSince();
      throw error;
    }
  }

  /** Deletes every user's token of the integration; answers whose tokens existed. */
  async deleteUserTokens(tenant: string, integrationId: string): Promise<string[]> {
    const users = await this.#itemsUnder(tenantPk(tenant), USER_MARKER_PREFIX);
    const dropped: string[] = [];
    for (const user of users) {
      const accountId = String(user.SK).slice(USER_MARKER_PREFIX.length);
      // Each delete takes its holder off the integration's count in the same transaction.
      if (await deleteTokenCounted(this.db, this.tableName, tenant, accountId, integrationId)) dropped.push(accountId);
    }
    return dropped;
  }

  #itemsUnder(pk: string, skPrefix: string): Promise<Record<string, unknown>[]> {
    return queryPartition(this.db, this.tableName, pk, { skPrefix });
  }

  async putOverride(tenant: string, override: RepositoryOverrideRecord): Promise<void> {
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          tenantInstalled(this.tableName, tenant),
          // The integration must still exist: an override never outlives it.
          { ConditionCheck: { TableName: this.tableName, Key: { PK: tenantPk(tenant), SK: integrationSk(override.integrationId) }, ConditionExpression: 'attribute_exists(PK)' } },
          { Put: { TableName: this.tableName, Item: { PK: tenantPk(tenant), SK: overrideSk(override.integrationId, override.repositoryId), type: 'override', ...override } } },
        ],
      }),
    ).catch((error: unknown) => {
      throwIfNotInstalled(error);
      if (error instanceof TransactionCanceledException) throw new AppError('NOT_FOUND', 'Integration was not found.');
      throw error;
    });
  }

  async deleteOverride(tenant: string, integrationId: string, repositoryId: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { PK: tenantPk(tenant), SK: overrideSk(integrationId, repositoryId) } }));
  }

}

export const toIntegration = (item: Record<string, unknown>, kinds: readonly ProviderKind[] = BUILT_IN_KINDS): IntegrationRecord => {
  const { PK: _pk, SK: _sk, type: _type, ...rest } = item;
  return parseIntegrationItem(rest, kinds);
};

export const toOverride = (item: Record<string, unknown>): RepositoryOverrideRecord => ({
  integrationId: String(item.integrationId),
  repositoryId: String(item.repositoryId),
  requireUserPat: item.requireUserPat === true,
  ...(projectRefs(item.projects) ? { projects: (item.projects as readonly ProjectRef[]).map((p) => ({ id: p.id, key: p.key })) } : {}),
  ...(typeof item.defaultSourceBranch === 'string' ? { defaultSourceBranch: item.defaultSourceBranch } : {}),
  updatedAt: String(item.updatedAt),
  updatedBy: String(item.updatedBy),
});

