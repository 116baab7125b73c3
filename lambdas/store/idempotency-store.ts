import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { idempotencyPk } from './keys';

export const IDEMPOTENCY_WINDOW_SECONDS = 24 * 3600;

export type IdempotencyClaim =
  | { readonly kind: 'claimed' }
  | { readonly kind: 'completed'; readonly requestHash: string; readonly status: number; readonly body: unknown }
  | { readonly kind: 'in-progress'; readonly requestHash: string };

/**
 * Idempotency-Key records per tenant and user, kept 24 h (TTL). Claiming is one conditional put,
 * so two concurrent retries never both reach the host.
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
        new PutCommand({
          TableName: this.tableName,
          Item: { ...Key, type: 'idempotency', requestHash, state: 'in-progress', ttl: nowSeconds + IDEMPOTENCY_WINDOW_SECONDS, createdAt: nowSeconds },
          // DynamoDB deletes expired items lazily: an expired record counts as absent.
          ConditionExpression: 'attribute_not_exists(PK) OR #ttl < :now',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':now': nowSeconds },
        }),
      );
      return { kind: 'claimed' };
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key, ConsistentRead: true }));
    if (Item?.state === 'completed') return { kind: 'completed', requestHash: String(Item.requestHash), status: Number(Item.status), body: JSON.parse(String(Item.body)) };
    return { kind: 'in-progress', requestHash: String(Item?.requestHash ?? '') };
  }

  async complete(tenant: string, accountId: string, key: string, status: number, body: unknown): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { PK: idempotencyPk(tenant), SK: `${accountId}#${key}` },
        UpdateExpression: 'SET #state = :done, #status = :status, body = :body',
        ExpressionAttributeNames: { '#state': 'state', '#status': 'status' },
        ExpressionAttributeValues: { ':done': 'completed', ':status': status, ':body': JSON.stringify(body) },
      }),
    );
  }

  /** A failed attempt releases the key so the client's retry can run. */
  async release(tenant: string, accountId: string, key: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { PK: idempotencyPk(tenant), SK: `${accountId}#${key}` } }));
  }
}
