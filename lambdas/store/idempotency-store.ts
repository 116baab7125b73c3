import { DeleteCommand, GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { HOST_CALLING_TIME_LIMIT_SECONDS } from './function-time-limits';
import { idempotencyPk } from './keys';
import { cancellationCodes, tenantInstalled, throwIfNotInstalled } from './tenant-guard';

export const IDEMPOTENCY_WINDOW_SECONDS = 24 * 3600;

/**
 * The git-action function's time limit. An in-progress claim lives no longer: a killed invocation
 * leaves its key usable again once the function could no longer be running, instead of answering
 * CONFLICT for a day.
 */
export const GIT_ACTION_TIME_LIMIT_SECONDS = HOST_CALLING_TIME_LIMIT_SECONDS;

export type IdempotencyClaim =
  | { readonly kind: 'claimed' }
  | { readonly kind: 'completed'; readonly requestHash: string; readonly status: number; readonly body: unknown }
  | { readonly kind: 'in-progress'; readonly requestHash: string };

/**
 * Idempotency-Key records per tenant and user: an in-progress claim lives for the function's time
 * limit, a completed one 24 h (TTL). Claiming is one transaction (tenant still installed, no live
 * record), so two concurrent retries never both reach the host.
 *
 * Why not Powertools' idempotency utility: its persistence layer wants its own table and key schema,
 * while these records live in the tenant's keys of the one table (an uninstall deletes them) and the
 * claim must share a transaction with the tenant check; its other parts (in-progress expiry at the
 * function's time limit, keep the first result) are the few lines here.
 */
export class IdempotencyStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(tenant: string, accountId: string, key: string, requestHash: string, nowSeconds: number): Promise<IdempotencyClaim> {
    const Key = { PK: idempotencyPk(tenant), SK: `${accountId}#${key}` };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            tenantInstalled(this.tableName, tenant),
            {
              Put: {
                TableName: this.tableName,
                Item: { ...Key, type: 'idempotency', requestHash, state: 'in-progress', ttl: nowSeconds + GIT_ACTION_TIME_LIMIT_SECONDS, createdAt: nowSeconds },
                // DynamoDB deletes expired items lazily: an expired record counts as absent.
                ConditionExpression: 'attribute_not_exists(PK) OR #ttl < :now',
                ExpressionAttributeNames: { '#ttl': 'ttl' },
                ExpressionAttributeValues: { ':now': nowSeconds },
              },
            },
          ],
        }),
      );
      return { kind: 'claimed' };
    } catch (error) {
      throwIfNotInstalled(error);
      if (cancellationCodes(error)?.[1] !== 'ConditionalCheckFailed') throw error;
    }
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key, ConsistentRead: true }));
    if (Item?.state === 'completed') return { kind: 'completed', requestHash: String(Item.requestHash), status: Number(Item.status), body: JSON.parse(String(Item.body)) };
    return { kind: 'in-progress', requestHash: String(Item?.requestHash ?? '') };
  }

  /** Keeps the first result for the rest of the 24 h window; never recreates a record an uninstall deleted. */
  async complete(tenant: string, accountId: string, key: string, status: number, body: unknown, claimedAtSeconds: number): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { PK: idempotencyPk(tenant), SK: `${accountId}#${key}` },
        UpdateExpression: 'SET #state = :done, #status = :status, body = :body, #ttl = :ttl',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: { '#state': 'state', '#status': 'status', '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':done': 'completed', ':status': status, ':body': JSON.stringify(body), ':ttl': claimedAtSeconds + IDEMPOTENCY_WINDOW_SECONDS },
      }),
    );
  }

  /** A failed attempt releases the key so the client's retry can run. */
  async release(tenant: string, accountId: string, key: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { PK: idempotencyPk(tenant), SK: `${accountId}#${key}` } }));
  }
}
