import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { BY_AUDIT_ACTOR_INDEX, BY_EXPIRY_INDEX, BY_REVERIFY_INDEX, TABLE_KEYS, TTL_ATTRIBUTE } from '../lambdas/store/table-definition';

/** Creates the table as the CDK stack declares it (local runtime and tests). Idempotent. */
export const createTable = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' },
          { AttributeName: TABLE_KEYS.sortKey, AttributeType: 'S' },
          { AttributeName: BY_EXPIRY_INDEX.partitionKey, AttributeType: 'S' },
          { AttributeName: BY_EXPIRY_INDEX.sortKey, AttributeType: 'S' },
          { AttributeName: BY_REVERIFY_INDEX.partitionKey, AttributeType: 'S' },
          { AttributeName: BY_AUDIT_ACTOR_INDEX.partitionKey, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: BY_EXPIRY_INDEX.name,
            KeySchema: [
              { AttributeName: BY_EXPIRY_INDEX.partitionKey, KeyType: 'HASH' },
              { AttributeName: BY_EXPIRY_INDEX.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
          {
            IndexName: BY_REVERIFY_INDEX.name,
            KeySchema: [
              { AttributeName: BY_REVERIFY_INDEX.partitionKey, KeyType: 'HASH' },
              { AttributeName: BY_REVERIFY_INDEX.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
          {
            IndexName: BY_AUDIT_ACTOR_INDEX.name,
            KeySchema: [
              { AttributeName: BY_AUDIT_ACTOR_INDEX.partitionKey, KeyType: 'HASH' },
              { AttributeName: BY_AUDIT_ACTOR_INDEX.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  for (let i = 0; i < 100; i += 1) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await client
    .send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true } }))
    .catch((error: Error) => {
      if (!/already enabled/i.test(error.message)) throw error;
    });
};
