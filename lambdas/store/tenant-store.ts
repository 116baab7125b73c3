import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TenantRecord } from '../domain/records';
import { deleteItems, partitionKeys } from './partition-items';
import { auditPk, idempotencyPk, tenantPk, TENANT_SK, USER_MARKER_PREFIX, userPk } from './keys';

export class TenantStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(clientKey: string): Promise<TenantRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { PK: tenantPk(clientKey), SK: TENANT_SK } }));
    return Item ? toTenant(Item) : undefined;
  }

  /** Creates the tenant, or replaces it only if it is still at `expectedVersion` (no lost update). */
  async put(tenant: TenantRecord, expectedVersion: number | undefined): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { PK: tenantPk(tenant.clientKey), SK: TENANT_SK, type: 'tenant', ...tenant },
        ConditionExpression: expectedVersion === undefined ? 'attribute_not_exists(PK)' : '#v = :v',
        ...(expectedVersion === undefined ? {} : { ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }),
      }),
    );
  }

  /**
   * Uninstall: every item of the tenant, its users' partitions, audit and idempotency records.
   * The tenant item goes first: every write of tenant data is a transaction that checks it exists
   * (store/tenant-guard.ts), so once it is gone no write can land, and the consistent sweep that
   * follows sees every write that landed before. A retried uninstall sweeps again from the partitions.
   */
  async deleteEverything(clientKey: string): Promise<number> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { PK: tenantPk(clientKey), SK: TENANT_SK } }));
    const tenantItems = await partitionKeys(this.db, this.tableName, tenantPk(clientKey));
    const userPartitions = tenantItems
      .filter((k) => k.SK.startsWith(USER_MARKER_PREFIX))
      .map((k) => userPk(clientKey, k.SK.slice(USER_MARKER_PREFIX.length)));
    const others = await Promise.all([auditPk(clientKey), idempotencyPk(clientKey), ...userPartitions].map((pk) => partitionKeys(this.db, this.tableName, pk)));
    // The user markers go last so a retried uninstall still finds the users' partitions.
    const keys = [...others.flat(), ...tenantItems.filter((k) => !k.SK.startsWith(USER_MARKER_PREFIX)), ...tenantItems.filter((k) => k.SK.startsWith(USER_MARKER_PREFIX))];
    await deleteItems(this.db, this.tableName, keys);
    return keys.length + 1;
  }
}

const optionalText = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

const toTenant = (item: Record<string, unknown>): TenantRecord => ({
  clientKey: String(item.clientKey),
  baseUrl: String(item.baseUrl),
  platform: item.platform === 'forge' ? 'forge' : 'connect',
  sharedSecretCiphertext: optionalText(item.sharedSecretCiphertext),
  cloudId: optionalText(item.cloudId),
  forgeAppId: optionalText(item.forgeAppId),
  forgeEnvironmentId: optionalText(item.forgeEnvironmentId),
  installedAt: String(item.installedAt),
  updatedAt: String(item.updatedAt),
  version: Number(item.version),
});
