import { BatchWriteCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface ItemKey {
  readonly PK: string;
  readonly SK: string;
}

/** Every item of one partition (optionally under a sort-key prefix), following pagination. */
export const queryPartition = async (
  db: DynamoDBDocumentClient,
  tableName: string,
  pk: string,
  options: { skPrefix?: string; keysOnly?: boolean; consistent?: boolean } = {},
): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: options.skPrefix === undefined ? 'PK = :pk' : 'PK = :pk AND begins_with(SK, :sk)',
        ExpressionAttributeValues: { ':pk': pk, ...(options.skPrefix === undefined ? {} : { ':sk': options.skPrefix }) },
        ...(options.keysOnly ? { ProjectionExpression: 'PK, SK' } : {}),
        ...(options.consistent ? { ConsistentRead: true } : {}),
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
};

/**
 * Deletes the keys 25 at a time (one BatchWriteItem each, `concurrency` of them in flight),
 * retrying unprocessed ones with backoff.
 */
export const deleteItems = async (db: DynamoDBDocumentClient, tableName: string, keys: readonly ItemKey[], concurrency = 1): Promise<void> => {
  const batches: ItemKey[][] = [];
  for (let i = 0; i < keys.length; i += 25) batches.push(keys.slice(i, i + 25));
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < batches.length) {
      const batch = batches[next] ?? [];
      next += 1;
      await deleteBatch(db, tableName, batch);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, batches.length)) }, lane));
};

const deleteBatch = async (db: DynamoDBDocumentClient, tableName: string, batch: readonly ItemKey[]): Promise<void> => {
  let pending: Record<string, { DeleteRequest: { Key: Record<string, unknown> } }[]> | undefined = {
    [tableName]: batch.map((key) => ({ DeleteRequest: { Key: { PK: key.PK, SK: key.SK } } })),
  };
  for (let attempt = 0; pending && Object.keys(pending).length > 0; attempt += 1) {
    if (attempt === 8) throw new Error('DynamoDB left deletes unprocessed after 8 attempts');
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    pending = (await db.send(new BatchWriteCommand({ RequestItems: pending }))).UnprocessedItems as typeof pending;
  }
};
