import { startDynamoDbLocal } from '../../local/dynamodb-local';

/** What one benchmark run alone reports: its tables, and one line per missed target. */
export interface AloneResult {
  readonly tables: readonly string[];
  readonly failures: readonly string[];
}

/**
 * Runs one benchmark on its own (`npx tsx test/bench/<name>.ts`), as run.ts runs them all: a
 * DynamoDB Local of its own (its endpoint also in PATGATE_TEST_DYNAMODB_ENDPOINT, for the harness),
 * the tables on stdout, each missed target as a `TARGET NOT MET:` line on stderr and exit code 1.
 */
export const runAlone = (measure: (dynamoEndpoint: string) => Promise<AloneResult>): void => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  void (async () => {
    const dynamo = await startDynamoDbLocal({ timeoutMs: 120_000 });
    process.env.PATGATE_TEST_DYNAMODB_ENDPOINT = dynamo.endpoint;
    try {
      const { tables, failures } = await measure(dynamo.endpoint);
      for (const table of tables) console.log(table);
      for (const failure of failures) console.error(`TARGET NOT MET: ${failure}`);
      if (failures.length > 0) process.exitCode = 1;
    } catch (error) {
      console.error(error);
      process.exitCode = 1;
    } finally {
      await dynamo.stop();
    }
  })();
};
