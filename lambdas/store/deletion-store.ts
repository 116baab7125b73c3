import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DeleteCommand, GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { deleteItems, type ItemKey } from './partition-items';
import { integrationDeletionSk, tenantPk, TENANT_DELETION_SK, TENANT_SK } from './keys';

export const DELETION_MARKER_TYPE = 'deletion-marker';

/** What a deletion marker says: which job owns the deletion, and since when. */
export interface DeletionMarker {
  readonly jobId: string;
  readonly requestedAt: string;
}

export interface KeyPage {
  readonly keys: readonly ItemKey[];
  /** The sort key to continue after; absent on the last page. */
  readonly last?: string;
}

/** BatchWriteItem calls in flight per worker step: well under DynamoDB's per-partition write rate, many times one lane's. */
const DELETE_CONCURRENCY = 8;

/**
 * The DynamoDB side of asynchronous deletion (lambdas/deletion): the deletion markers, and the
 * bounded reads and deletes the worker is made of. Every read is consistent: a step must see
 * every committed write and never re-read what the previous step deleted.
 */
export class DeletionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * The uninstall's one write: the tenant item goes (so no request authenticates and no write
   * lands: every write checks it in its transaction, store/tenant-guard.ts) and the marker comes,
   * in one transaction, so there is never a moment with neither.
   */
  async beginTenantDeletion(clientKey: string, marker: DeletionMarker): Promise<void> {
    const pk = tenantPk(clientKey);
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Delete: { TableName: this.tableName, Key: { PK: pk, SK: TENANT_SK } } },
          { Put: { TableName: this.tableName, Item: { PK: pk, SK: TENANT_DELETION_SK, type: DELETION_MARKER_TYPE, ...marker } } },
        ],
      }),
    );
  }

  tenantMarker(clientKey: string): Promise<DeletionMarker | undefined> {
    return this.#marker({ PK: tenantPk(clientKey), SK: TENANT_DELETION_SK });
  }

  integrationMarker(tenant: string, integrationId: string): Promise<DeletionMarker | undefined> {
    return this.#marker({ PK: tenantPk(tenant), SK: integrationDeletionSk(integrationId) });
  }

  /** Removes the marker only if it is still this job's (a later uninstall's marker stays). */
  async removeMarker(key: ItemKey, jobId: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({ TableName: this.tableName, Key: { PK: key.PK, SK: key.SK }, ConditionExpression: 'jobId = :job', ExpressionAttributeValues: { ':job': jobId } }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException) && (error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }

  /** One page of keys of a partition (optionally under a sort-key prefix), after the sort key `after`. */
  async page(pk: string, options: { skPrefix?: string; after?: string; limit: number }): Promise<KeyPage> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: options.skPrefix === undefined ? 'PK = :pk' : 'PK = :pk AND begins_with(SK, :sk)',
        ExpressionAttributeValues: { ':pk': pk, ...(options.skPrefix === undefined ? {} : { ':sk': options.skPrefix }) },
        ProjectionExpression: 'PK, SK',
        ConsistentRead: true,
        Limit: options.limit,
        ...(options.after === undefined ? {} : { ExclusiveStartKey: { PK: pk, SK: options.after } }),
      }),
    );
    const keys = (out.Items ?? []).map((item) => ({ PK: String(item.PK), SK: String(item.SK) }));
    const last = out.LastEvaluatedKey?.SK;
    return { keys, ...(typeof last === 'string' ? { last } : {}) };
  }

  /** Every key of a small partition (one user's), following pagination. */
  async allKeys(pk: string): Promise<ItemKey[]> {
    const keys: ItemKey[] = [];
    let after: string | undefined;
    do {
      const page = await this.page(pk, { limit: 1000, ...(after === undefined ? {} : { after }) });
      keys.push(...page.keys);
      after = page.last;
    } while (after !== undefined);
    return keys;
  }

  /** Which of the keys exist (at most 100 per call, read consistently). */
  async existing(keys: readonly ItemKey[]): Promise<ItemKey[]> {
    if (keys.length === 0) return [];
    let pending: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: boolean; ProjectionExpression: string }> | undefined = {
      [this.tableName]: { Keys: keys.map((k) => ({ PK: k.PK, SK: k.SK })), ConsistentRead: true, ProjectionExpression: 'PK, SK' },
    };
    const found: ItemKey[] = [];
    for (let attempt = 0; pending && Object.keys(pending).length > 0; attempt += 1) {
      if (attempt === 8) throw new Error('DynamoDB left keys unprocessed after 8 attempts');
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      const out = await this.db.send(new BatchGetCommand({ RequestItems: pending }));
      found.push(...(out.Responses?.[this.tableName] ?? []).map((item) => ({ PK: String(item.PK), SK: String(item.SK) })));
      pending = out.UnprocessedKeys as typeof pending;
    }
    return found;
  }

  deleteKeys(keys: readonly ItemKey[]): Promise<void> {
    return deleteItems(this.db, this.tableName, keys, DELETE_CONCURRENCY);
  }

  async #marker(key: ItemKey): Promise<DeletionMarker | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { PK: key.PK, SK: key.SK }, ConsistentRead: true }));
    if (!Item || Item.type !== DELETION_MARKER_TYPE) return undefined;
    return { jobId: String(Item.jobId), requestedAt: String(Item.requestedAt) };
  }
}
