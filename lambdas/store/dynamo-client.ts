import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoClientOptions {
  readonly region: string;
  /** DynamoDB Local; absent in AWS. */
  readonly endpoint?: string;
}

export const createDocumentClient = (options: DynamoClientOptions): DynamoDBDocumentClient => {
  const local = options.endpoint !== undefined;
  const client = new DynamoDBClient({
    region: options.region,
    ...(local ? { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
};
