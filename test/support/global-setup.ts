import { startDynamoDbLocal } from '../../local/dynamodb-local';

/** One DynamoDB Local for the whole Jest run; every test file makes its own table in it. */
export default async function globalSetup(): Promise<void> {
  // A JVM start: seconds on a quiet machine, more than 30 s on a loaded two-core one. The wait ends
  // as soon as DynamoDB Local answers (or its process exits), so the long limit only catches a hang.
  const dynamo = await startDynamoDbLocal({ timeoutMs: 180_000 });
  process.env.PATGATE_TEST_DYNAMODB_ENDPOINT = dynamo.endpoint;
  (globalThis as { __patgateDynamo?: typeof dynamo }).__patgateDynamo = dynamo;
}
