import { startDynamoDbLocal } from '../../lambdas/local/dynamodb-local';

/** One DynamoDB Local for the whole Jest run; every test file makes its own table in it. */
export default async function globalSetup(): Promise<void> {
  const dynamo = await startDynamoDbLocal();
  process.env.PATGATE_TEST_DYNAMODB_ENDPOINT = dynamo.endpoint;
  (globalThis as { __patgateDynamo?: typeof dynamo }).__patgateDynamo = dynamo;
}
