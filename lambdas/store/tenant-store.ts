import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AppError } from '../domain/errors';
import type { TenantRecord } from '../domain/records';
import { tenantPk, TENANT_DELETION_SK, TENANT_SK } from './keys';
import { cancellationCodes } from './tenant-guard';

export class TenantStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(clientKey: string): Promise<TenantRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { PK: tenantPk(clientKey), SK: TENANT_SK } }));
    return Item ? toTenant(Item) : undefined;
  }

  /**
   * Creates the tenant, or replaces it only if it is still at `expectedVersion` (no lost update),
   * and only while no deletion of an earlier install of the site runs: the marker's absence is
   * checked in the same transaction, so an install can never interleave with that deletion.
   */
  async put(tenant: TenantRecord, expectedVersion: number | undefined): Promise<void> {
    const pk = tenantPk(tenant.clientKey);
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { ConditionCheck: { TableName: this.tableName, Key: { PK: pk, SK: TENANT_DELETION_SK }, ConditionExpression: 'attribute_not_exists(PK)' } },
            {
              Put: {
                TableName: this.tableName,
                Item: { PK: pk, SK: TENANT_SK, type: 'tenant', ...tenant },
                ConditionExpression: expectedVersion === undefined ? 'attribute_not_exists(PK)' : '#v = :v',
                ...(expectedVersion === undefined ? {} : { ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }),
              },
            },
          ],
        }),
      );
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.[0] === 'ConditionalCheckFailed') {
        throw new AppError('DELETION_IN_PROGRESS', 'The data of an earlier install of this site is still being deleted; install again shortly.', { retryAfterSeconds: DELETION_RETRY_AFTER_SECONDS });
      }
      if (codes?.[1] === 'ConditionalCheckFailed') throw new AppError('CONFLICT', 'The site was installed concurrently; retry.');
      throw error;
    }
  }
}

/** What a refused install is told to wait: the deletion's second pass runs 90 s after the uninstall. */
export const DELETION_RETRY_AFTER_SECONDS = 60;

const optionalText = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

const toTenant = (item: Record<string, unknown>): TenantRecord => ({
  clientKey: String(item.clientKey),
  baseUrl: String(item.baseUrl),
  platform: 'forge',
  cloudId: optionalText(item.cloudId),
  forgeAppId: optionalText(item.forgeAppId),
  forgeEnvironmentId: optionalText(item.forgeEnvironmentId),
  installedAt: String(item.installedAt),
  updatedAt: String(item.updatedAt),
  version: Number(item.version),
});
