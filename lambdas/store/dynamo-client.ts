import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tracer } from '../observability/tracer';
import { clientOptionsFor, DYNAMODB_BUDGET, LOCAL_DYNAMODB_BUDGET, type AwsCallBudget } from '../wiring/aws-call-budget';

export interface DynamoClientOptions {
  readonly region: string;
  /** DynamoDB Local; absent in AWS. */
  readonly endpoint?: string;
  /** @default DYNAMODB_BUDGET in AWS, LOCAL_DYNAMODB_BUDGET with an endpoint */
  readonly budget?: AwsCallBudget;
}

/**
 * The document client every store uses: bounded timeouts and attempts (see aws-call-budget.ts),
 * and an X-Ray subsegment per call when tracing is on.
 */
export const createDocumentClient = (options: DynamoClientOptions): DynamoDBDocumentClient => {
  const local = options.endpoint !== undefined;
  const budget = options.budget ?? (local ? LOCAL_DYNAMODB_BUDGET : DYNAMODB_BUDGET);
  const client = new DynamoDBClient({
    region: options.region,
    ...clientOptionsFor(budget),
    ...(local ? { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
  return DynamoDBDocumentClient.from(tracer.captureAWSv3Client(client), { marshallOptions: { removeUndefinedValues: true } });
};
