import type { DynamoDbLocal } from '../../local/dynamodb-local';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __patgateDynamo?: DynamoDbLocal }).__patgateDynamo?.stop();
}
