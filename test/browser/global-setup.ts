import { buildApp, formatSizes } from '../../jira-app/build';
import dynamoSetup from '../support/global-setup';

/** DynamoDB Local as for every suite, and the pages built once from source (a clean clone has no dist). */
export default async function globalSetup(): Promise<void> {
  await dynamoSetup();
  const sizes = await buildApp({ quiet: true });
  process.stdout.write(`\njira-app built for the browser tests:\n${formatSizes(sizes)}\n`);
}
