import { createSocket } from 'node:dgram';
import type { SiteInfo } from '../../simulators/jira/jira-simulator';
import { startHostSimulators, type HostSimulators } from '../../local/host-worlds';
import { kmsVault } from '../../lambdas/vault/token-vault';
import { Harness } from '../support/harness';
import { startDeployedKms } from '../support/loopback-kms';
import { apiEvent, buildLambdas, coldRun, localModeEnvironment, type BuiltLambdas } from './built-lambdas';
import { until } from '../support/until';

/**
 * The deployed asset runs: the built git-action module (ES modules, code splitting, source maps)
 * is loaded by a fresh Node.js process in local mode, against this test's DynamoDB Local table,
 * Jira simulator and GitHub simulator, and creates a branch: the handler's static chunks load,
 * and the first host call loads the GitHub family's chunk with a dynamic import. The module holds no
 * local key: like a deployed function it decrypts through KMS, here a loopback stand-in for KMS
 * (KMS cannot run here) reached through the SDK's own AWS_ENDPOINT_URL_KMS setting, and the
 * harness's API encrypts through the same stand-in.
 */
describe('the built git-action module in a fresh process', () => {
  let built: BuiltLambdas;
  let hosts: HostSimulators;
  let h: Harness;
  let site: SiteInfo;
  let kms: Awaited<ReturnType<typeof startDeployedKms>>;
  const functionEnv = (): Record<string, string> => ({ ...localModeEnvironment(h, hosts.env), ...kms.env });

  beforeAll(async () => {
    kms = await startDeployedKms();
    [built, hosts] = await Promise.all([buildLambdas(), startHostSimulators()]);
    h = await Harness.start(hosts.env, { vault: kmsVault(kms.keyArn) });
    site = await h.installSite();
    h.jira.grant(site.clientKey, 'admin-1', 'ADMINISTER');
  });
  afterAll(async () => {
    await h.stop();
    await hosts.stop();
    built.remove();
    await kms.restore();
  });

  it('answers an unauthenticated request with problem+json', async () => {
    const run = await coldRun(`${built.dir}/git-action.mjs`, { env: functionEnv(), event: apiEvent('POST', '/api/git/branches', { body: {} }) });
    expect(run.response?.statusCode).toBe(401);
    expect(JSON.parse(run.response?.body ?? '{}')).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('creates a branch on the GitHub simulator with the service account', async () => {
    const w = hosts.world('github');
    const created = await h.call('POST', '/api/admin/integrations', { as: { site, accountId: 'admin-1' }, body: w.integrationBody('GitHub (bundle run)', false) });
    expect(created.status).toBe(201);
    const user = 'dev-bundle';
    h.jira.grant(site.clientKey, user, 'VIEW_DEV_TOOLS', 'PROJ');
    const branch = `feature/PROJ-1-bundle-${Math.random().toString(36).slice(2, 8)}`;
    const path = '/api/git/branches';
    const headers = h.jira.forgeHeaders(site.clientKey, user, { expiresInSeconds: 600 });
    const body = { integrationId: String(created.body.id), repositoryId: w.repositoryId, issueKey: 'PROJ-1', branchName: branch, fromRef: w.defaultBranch };

    const run = await coldRun(`${built.dir}/git-action.mjs`, { env: functionEnv(), event: apiEvent('POST', path, { headers, body }) });

    expect(run.response?.statusCode).toBe(201);
    expect(JSON.parse(run.response?.body ?? '{}')).toMatchObject({ actedAs: { credential: 'service-account' }, url: expect.stringContaining(branch) });
    expect(w.branchAuthor(branch)).toBe(w.serviceLogin);
    // The service credential was sealed and opened by KMS (the stand-in), never by a local key.
    expect(kms.kms.calls.Encrypt).toBeGreaterThan(0);
    expect(kms.kms.calls.Decrypt).toBeGreaterThan(0);
  });

  it('with tracing on, loads the tracer chunk and sends the invocation\'s subsegment to the X-Ray daemon', async () => {
    // The X-Ray daemon, as a UDP socket on loopback: the SDK sends each closed subsegment to it.
    const daemon = createSocket('udp4');
    const received: string[] = [];
    daemon.on('message', (message) => received.push(message.toString('utf8')));
    await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
    try {
      const lambdaEnv = {
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
        AWS_LAMBDA_FUNCTION_NAME: 'patgate-git-action',
        LAMBDA_TASK_ROOT: built.dir,
        _HANDLER: 'git-action.handler',
        POWERTOOLS_TRACE_ENABLED: 'true',
        POWERTOOLS_TRACER_CAPTURE_HTTPS_REQUESTS: 'false',
        AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${daemon.address().port}`,
        AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
        _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
      };
      const run = await coldRun(`${built.dir}/git-action.mjs`, { env: { ...functionEnv(), ...lambdaEnv }, event: apiEvent('POST', '/api/git/branches', { body: {} }) });
      expect(run.response?.statusCode).toBe(401);
      // UDP on loopback: the datagram is read on a later turn of the event loop.
      await until(() => received.some((m) => m.includes('## git-action.handler')));
    } finally {
      daemon.close();
    }
  });
});
