import './esm-only-packages';
import { execFileSync } from 'node:child_process';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parseConfig } from '../lambdas/config';
import { createTokenExpiryChecker } from '../lambdas/expiry/create-token-expiry-checker';
import { JsonLinesEventSink, LOCAL_EVENTS_FILE } from '../lambdas/expiry/json-lines-event-sink';
import { JiraSimulator } from '../simulators/jira/jira-simulator';
import { createTable } from './create-table';
import { startDynamoDbLocal, LOCAL_AWS_CREDENTIALS } from './dynamodb-local';
import { startHostSimulators } from './host-worlds';
import { createLocalApp } from './local-app';
import { createJiraSite } from './jira-site/jira-site';

/**
 * `npm start`: the whole API on loopback — DynamoDB Local, a Jira simulator, the four git host
 * simulators, the API on http://localhost:3000 — with a demo site and ready-to-paste curl lines.
 * The demo site installs the app through Forge Remote: the simulator's lifecycle trigger delivers
 * the installed event.
 */
/** Who the demo user (Uma User in the simulated Jira) is on the simulated git hosts. */
const DEMO_PERSON = { login: 'uma', name: 'Uma User' } as const;

/** What a person does first, before any curl line: the whole story in the browser. */
const tryItList = (where: { appBaseUrl: string; integrationName: string; githubUrl: string }): string[] => [
  `patgate is running on ${where.appBaseUrl}  (Ctrl-C stops everything)`,
  '',
  'Try it in a browser:',
  `  1. Open ${where.appBaseUrl}/browse/DEMO-1. You are Uma User (demo-user); switch people in the header.`,
  `     The Git panel says setup is required: "${where.integrationName}" needs your own token.`,
  '  2. Press "Open Personal settings", then "New token": the simulated GitHub opens at its token page',
  `     (${where.githubUrl}/settings/tokens/new). Sign in there as ${DEMO_PERSON.name} (${DEMO_PERSON.login}), keep the "repo" scope,`,
  '     press "Generate token" and copy the token it shows once.',
  '  3. Paste it into Personal settings and press "Save token".',
  '  4. Back on DEMO-1: pick acme/web, create a branch, and follow "Open on the host" to the branch on GitHub.',
  '     Press "Commit to this branch" there (GitHub refuses a pull request with no commits), then create the',
  '     pull request on DEMO-1. The issue\'s "Web links" list the branch and the pull request.',
  `  5. As Ada Admin (demo-admin): Apps → Manage Git repositories shows "${where.integrationName}".`,
];

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
      PATGATE_FORGE_APP_ID: jira.forgeAppId,
      PATGATE_FORGE_JWKS_URL: jira.jwksUrl,
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

    // docs/architecture.md §7: locally the expiry checker runs every minute; its events go to a JSON-lines file.
    const checker = createTokenExpiryChecker(app.deps, new JsonLinesEventSink(LOCAL_EVENTS_FILE));
    const timer = setInterval(() => {
      checker.run({ budgetMs: 50_000 }).catch((error: Error) => console.error(`expiry check failed: ${error.message}`));
    }, 60_000);
    stops.push(async () => clearInterval(timer));

    const site = jira.createSite('demo');
    const installed = await jira.installForge(site.clientKey, appBaseUrl);
    if (installed !== 204) throw new Error(`the demo install answered ${installed}`);
    jira.grant(site.clientKey, 'demo-admin', 'ADMINISTER');
    jira.grant(site.clientKey, 'demo-user', 'VIEW_DEV_TOOLS', 'DEMO');
    // A second project, to show project association (docs/architecture.md §3 step 0): limit an integration to DEMO and OPS-1 no longer reaches it.
    jira.addIssue(site.clientKey, { key: 'OPS-1', summary: 'Rotate the on-call pager' });
    jira.grant(site.clientKey, 'demo-user', 'VIEW_DEV_TOOLS', 'OPS');
    app.server.setFallback(await createJiraSite({ jira, clientKey: site.clientKey })); // the simulated Jira page at /
    const github = hosts.world('github');
    // All projects: no project is named, so Jira's project search is not asked.
    const noProjectSearch = { send: () => Promise.reject(new Error('no project is named')) };
    const integration = await app.deps.integrations.create(site.clientKey, 'demo-admin', { projects: 'all', ...github.integrationBody('GitHub (simulated)', true) } as never, noProjectSearch);
    // The person the demo user is on GitHub: push rights, no token yet (they get one at the app's "New token" link).
    github.addPerson(DEMO_PERSON.login, DEMO_PERSON.name);
    hosts.world('gitlab').addPerson(DEMO_PERSON.login, DEMO_PERSON.name);
    hosts.world('azure-devops').addPerson(DEMO_PERSON.login, DEMO_PERSON.name);
    const userToken = github.userToken('demo-user-gh');

    // A FIT of the page's module plus the app system token, as Forge sends them. Valid for a day
    // so the lines can be pasted later.
    const day = 24 * 3600;
    const auth = (accountId: string, moduleKey: string): string => {
      const headers = jira.forgeHeaders(site.clientKey, accountId, { moduleKey, expiresInSeconds: day });
      return `-H 'Authorization: ${headers.authorization}' -H 'x-forge-oauth-system: ${headers['x-forge-oauth-system']}'`;
    };
    const readinessQuery = { integrationId: integration.id, repositoryId: github.repositoryId };
    const qs = new URLSearchParams(readinessQuery).toString();
    const moreTokens = `More FITs: curl -s -X POST ${jira.url}/_control/sites/${encodeURIComponent(site.clientKey)}/fit -d '{"accountId":"demo-user","moduleKey":"patgate-issue-context"}'`;
    const lines = [
      ...tryItList({ appBaseUrl, integrationName: integration.name, githubUrl: hosts.github.url }),
      `  The other simulated hosts have the same pages (sign in as ${DEMO_PERSON.login}): GitLab ${hosts.gitlab.url}/-/user_settings/personal_access_tokens,`,
      `  Azure DevOps ${hosts.azure.collectionUrl('/contoso')}/_usersSettings/tokens. CodeCommit's links go to the real AWS console.`,
      '',
      'The same through the API (these lines save a token of another GitHub user, demo-user-gh, for demo-user):',
      `DynamoDB Local ${dynamo.endpoint} · Jira simulator ${jira.url} · GitHub ${hosts.github.url} · GitLab ${hosts.gitlab.url} · Azure DevOps/TFS ${hosts.azure.url} · CodeCommit ${hosts.codecommit.url}`,
      `Demo site ${site.baseUrl} installed the app through Forge Remote (installation ${site.clientKey}).`,
      'Admin "demo-admin", user "demo-user" (View Development Tools on DEMO; issue DEMO-1 "Fix login timeout").',
      `Integration "${integration.name}" (${integration.id}) requires each user's own PAT. The simulator issued demo-user a token.`,
      '',
      '# health',
      `curl -s ${appBaseUrl}/health`,
      '# the admin lists integrations',
      `curl -s ${appBaseUrl}/api/admin/integrations ${auth('demo-admin', 'patgate-admin')}`,
      '# the user sees "setup required"',
      `curl -s '${appBaseUrl}/api/issues/DEMO-1/git-readiness?${qs}' ${auth('demo-user', 'patgate-issue-context')}`,
      '# the user saves their PAT',
      `curl -s -X PUT ${appBaseUrl}/api/me/tokens/${integration.id} -H 'Content-Type: application/json' ${auth('demo-user', 'patgate-user-settings')} -d '${JSON.stringify(userToken.body)}'`,
      '# the user creates a branch, as themself',
      `curl -s -X POST ${appBaseUrl}/api/git/branches -H 'Content-Type: application/json' ${auth('demo-user', 'patgate-issue-context')} -d '${JSON.stringify({ integrationId: integration.id, repositoryId: github.repositoryId, issueKey: 'DEMO-1', branchName: 'feature/DEMO-1-fix-login-timeout', fromRef: 'main' })}'`,
      '# the user lists their integrations and token status',
      `curl -s ${appBaseUrl}/api/me/integrations ${auth('demo-user', 'patgate-user-settings')}`,
      '',
      `Token-expiry events (checker runs every minute): tail -f ${LOCAL_EVENTS_FILE}`,
      moreTokens,
      `Request logs: ${process.env.PATGATE_LOG_FILE ? `tail -f ${process.env.PATGATE_LOG_FILE}` : 'on this terminal (set PATGATE_LOG_FILE to send them to a file)'}`,
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
