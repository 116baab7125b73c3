import './esm-only-packages';
import { ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { parseConfig } from '../lambdas/config';
import { createTokenExpiryChecker } from '../lambdas/expiry/create-token-expiry-checker';
import { JsonLinesEventSink, LOCAL_EVENTS_FILE } from '../lambdas/expiry/json-lines-event-sink';
import { providersFor } from '../lambdas/hosts/provider-registry';
import { createDependencies } from '../lambdas/wiring/dependencies';
import { localVaultFor } from './local-encryption-key';

/** A manual run gets the Lambda's whole timeout (5 min). */
const BUDGET_MS = 5 * 60 * 1000;

/**
 * `npm run check-expiry`: one run of the token-expiry checker against the local runtime's DynamoDB
 * Local (PATGATE_DYNAMODB_ENDPOINT, PATGATE_TABLE_NAME), events appended to .local/events.jsonl.
 */
const main = async (): Promise<void> => {
  const config = parseConfig({ PATGATE_DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000', PATGATE_LOCAL_MODE: 'true', ...process.env });
  const deps = createDependencies(config, { providers: providersFor(config), ...(config.credentialsKeyId ? {} : { vault: localVaultFor(config) }) });
  const checker = createTokenExpiryChecker(deps, new JsonLinesEventSink(LOCAL_EVENTS_FILE));
  const started = Date.now();
  try {
    const summary = await checker.run({ budgetMs: BUDGET_MS });
    console.log(`token expiry check on ${config.dynamoDbEndpoint} table ${config.tableName} (${Date.now() - started} ms):`);
    console.table(summary);
    console.log(`events: ${LOCAL_EVENTS_FILE}`);
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    console.error(`table ${config.tableName} not found at ${config.dynamoDbEndpoint}: start the local runtime first (npm start)`);
    process.exitCode = 1;
  } finally {
    deps.db.destroy();
  }
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
