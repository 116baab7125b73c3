import { execFileSync } from 'node:child_process';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parseConfig } from '../config';
import { createTokenExpiryChecker } from '../expiry/create-token-expiry-checker';
import { JsonLinesEventSink, LOCAL_EVENTS_FILE } from '../expiry/json-lines-event-sink';
import { JiraSimulator } from '../jira/jira-simulator';
import { createTable } from '../store/create-table';
import { startDynamoDbLocal, LOCAL_AWS_CREDENTIALS } from './dynamodb-local';
import { startHostSimulators } from './host-worlds';
import { createLocalApp } from './local-app';
import { createJiraSite } from './jira-site/jira-site';

/**
 * `npm start`: the whole API on loopback — DynamoDB Local, a Jira simulator, the four git host
 * simulators, the API on http://localhost:3000 — with a demo site and ready-to-paste curl lines.
 */
const main = async (): Promise<void> => {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
  } catch {
    throw new Error('Java 17+ is needed for DynamoDB Local (apt-get install openjdk-17-jre-headless)');
  }
  const port = Number(process.env.PORT ?? 3000);
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(0)));
  process.once('SIGTERM', () => void stopAll().then(() => process.exit(0)));
  try {
    const dynamo = await startDynamoDbLocal();
    stops.push(() => dynamo.stop());
    const jira = new JiraSimulator();
    await jira.start();
    stops.push(() => jira.stop());
    const hosts = await startHostSimulators();
    stops.push(() => hosts.stop());
    const appBaseUrl = `http://localhost:${port}`;
    const config = parseConfig({
      ...process.env,
      PATGATE_TABLE_NAME: process.env.PATGATE_TABLE_NAME ?? 'patgate',
      PATGATE_DYNAMODB_ENDPOINT: dynamo.endpoint,
      PATGATE_INSTALL_KEYS_URL: jira.installKeysUrl,
      PATGATE_APP_BASE_URL: appBaseUrl,
      PATGATE_LOCAL_MODE: 'true',
      ...hosts.env,
    });
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: config.region, credentials: LOCAL_AWS_CREDENTIALS });
    await createTable(client, config.tableName);
    client.destroy();
    const app = createLocalApp(config);
    await app.server.start(port);
    stops.push(() => app.server.stop());

    // DESIGN §7: locally the expiry checker runs every minute; its events go to a JSON-lines file.
    const checker = createTokenExpiryChecker(app.deps, new JsonLinesEventSink(LOCAL_EVENTS_FILE));
    const timer = setInterval(() => {
      checker.run({ budgetMs: 50_000 }).catch((error: Error) => console.error(`expiry check failed: ${error.message}`));
    }, 60_000);
    stops.push(async () => clearInterval(timer));

    const site = jira.createSite('demo');
    const installed = await jira.install(site.clientKey, appBaseUrl);
    if (installed !== 204) throw new Error(`the demo install answered ${installed}`);
    jira.grant(site.clientKey, 'demo-admin', 'ADMINISTER');
    jira.grant(site.clientKey, 'demo-user', 'VIEW_DEV_TOOLS', 'DEMO');
    app.server.setFallback(await createJiraSite({ jira, clientKey: site.clientKey })); // the simulated Jira page at /
    const github = hosts.worlds.find((w) => w.kind === 'github');
    if (!github) throw new Error('no GitHub simulator');
    const integration = await app.deps.integrations.create(site.clientKey, 'demo-admin', github.integrationBody('GitHub (simulated)', true) as never);
    const userToken = github.userToken('demo-user-gh');

    const jwt = (accountId: string, method: string, path: string, query: Record<string, string> = {}): string =>
      jira.userJwt(site.clientKey, accountId, { method, path, query }, { expiresInSeconds: 24 * 3600 });
    const readinessQuery = { integrationId: integration.id, repositoryId: github.repositoryId };
    const qs = new URLSearchParams(readinessQuery).toString();
    const lines = [
      `patgate is running on ${appBaseUrl}  (Ctrl-C stops everything)`,
      '',
      `DynamoDB Local ${dynamo.endpoint} · Jira simulator ${jira.url} · GitHub ${hosts.github.url} · GitLab ${hosts.gitlab.url} · Azure DevOps/TFS ${hosts.azure.url} · CodeCommit ${hosts.codecommit.url}`,
      `Demo site ${site.clientKey} (${site.baseUrl}); admin "demo-admin", user "demo-user" (View Development Tools on DEMO).`,
      `Integration "${integration.name}" (${integration.id}) requires each user's own PAT. The simulator issued demo-user a token.`,
      '',
      '# health',
      `curl -s ${appBaseUrl}/health`,
      '# the admin lists integrations',
      `curl -s ${appBaseUrl}/api/admin/integrations -H 'Authorization: JWT ${jwt('demo-admin', 'GET', '/api/admin/integrations')}'`,
      '# the user sees "setup required"',
      `curl -s '${appBaseUrl}/api/issues/DEMO-1/git-readiness?${qs}' -H 'Authorization: JWT ${jwt('demo-user', 'GET', '/api/issues/DEMO-1/git-readiness', readinessQuery)}'`,
      '# the user saves their PAT',
      `curl -s -X PUT ${appBaseUrl}/api/me/tokens/${integration.id} -H 'Content-Type: application/json' -H 'Authorization: JWT ${jwt('demo-user', 'PUT', `/api/me/tokens/${integration.id}`)}' -d '${JSON.stringify(userToken.body)}'`,
      '# the user creates a branch, as themself',
      `curl -s -X POST ${appBaseUrl}/api/git/branches -H 'Content-Type: application/json' -H 'Authorization: JWT ${jwt('demo-user', 'POST', '/api/git/branches')}' -d '${JSON.stringify({ integrationId: integration.id, repositoryId: github.repositoryId, issueKey: 'DEMO-1', branchName: 'feature/DEMO-1', fromRef: 'main' })}'`,
      '# the user lists their integrations and token status',
      `curl -s ${appBaseUrl}/api/me/integrations -H 'Authorization: JWT ${jwt('demo-user', 'GET', '/api/me/integrations')}'`,
      '',
      `Token-expiry events (checker runs every minute): tail -f ${LOCAL_EVENTS_FILE}`,
      `More JWTs: curl -s -X POST ${jira.url}/_control/sites/${encodeURIComponent(site.clientKey)}/jwt -d '{"accountId":"demo-user","method":"GET","path":"/api/me/integrations"}'`,
    ];
    console.log(lines.join('\n'));
  } catch (error) {
    await stopAll();
    throw error;
  }
};

main().catch((error: Error) => {
  console.error(`patgate could not start: ${error.message}`);
  process.exit(1);
});
