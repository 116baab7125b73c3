import type { SiteInfo } from '../../simulators/jira/jira-simulator';
import { startHostSimulators, type HostSimulators, type HostWorld } from '../../local/host-worlds';
import { createMetrics, EmfTelemetry, noTelemetry, useTelemetry } from '../../lambdas/observability/telemetry';
import { Harness } from '../support/harness';

interface EmfLine {
  readonly _aws: { readonly CloudWatchMetrics: readonly { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  readonly [key: string]: unknown;
}

/** The EMF documents written to stdout since `from` (one JSON object per line). */
const emfLines = (text: string): EmfLine[] =>
  text
    .split('\n')
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as EmfLine);

const metricNamed = (lines: EmfLine[], name: string): EmfLine[] =>
  lines.filter((l) => l._aws.CloudWatchMetrics.some((m) => m.Metrics.some((metric) => metric.Name === name)));

/**
 * One git action through the API (DynamoDB Local, the GitHub simulator) with the EMF telemetry the
 * Lambda uses: the metric lines it writes are read back from stdout.
 */
describe('EMF metrics of a git action', () => {
  let hosts: HostSimulators;
  let h: Harness;
  let site: SiteInfo;
  let github: HostWorld;
  let previous = noTelemetry;

  beforeAll(async () => {
    hosts = await startHostSimulators();
    h = await Harness.start(hosts.env);
    site = await h.installSite();
    h.jira.grant(site.clientKey, 'admin', 'ADMINISTER');
    h.jira.grant(site.clientKey, 'dev', 'VIEW_DEV_TOOLS', 'PROJ');
    github = hosts.world('github');
    previous = useTelemetry(new EmfTelemetry(createMetrics()));
  });
  afterAll(async () => {
    useTelemetry(previous);
    await h.stop();
    await hosts.stop();
  });

  it('counts a refusal by code, a saved token, a succeeded branch and the host latency, per host kind and action', async () => {
    const as = { site, accountId: 'dev' };
    const created = await h.call('POST', '/api/admin/integrations', { as: { site, accountId: 'admin' }, body: github.integrationBody('GitHub EMF', true) });
    expect(created.status).toBe(201);
    const integrationId = String(created.body.id);
    const branch = { integrationId, repositoryId: github.repositoryId, issueKey: 'PROJ-1', branchName: 'feature/PROJ-1-emf', fromRef: github.defaultBranch };

    let mark = h.logs.text().length;
    const refused = await h.call('POST', '/api/git/branches', { as, body: branch });
    expect(refused.status).toBe(428);
    const refusal = emfLines(h.logs.text().slice(mark));
    expect(metricNamed(refusal, 'GitActionRefused')).toEqual([
      expect.objectContaining({ service: 'patgate', hostKind: 'github', action: 'create-branch', code: 'PAT_REQUIRED', GitActionRefused: 1 }),
    ]);
    expect(metricNamed(refusal, 'GitActionSucceeded')).toEqual([]);

    const token = github.userToken('dev-gh');
    mark = h.logs.text().length;
    expect((await h.call('PUT', `/api/me/tokens/${integrationId}`, { as, body: token.body })).status).toBe(200);
    const saving = emfLines(h.logs.text().slice(mark));
    expect(metricNamed(saving, 'TokenSaved')).toEqual([expect.objectContaining({ hostKind: 'github', TokenSaved: 1 })]);
    expect(metricNamed(saving, 'HostLatency').map((l) => l.action)).toEqual(['verifyToken']);

    mark = h.logs.text().length;
    const done = await h.call('POST', '/api/git/branches', { as, body: branch });
    expect(done.status).toBe(201);
    const lines = emfLines(h.logs.text().slice(mark));

    const [succeeded, ...more] = metricNamed(lines, 'GitActionSucceeded');
    expect(more).toEqual([]);
    expect(succeeded).toMatchObject({ service: 'patgate', hostKind: 'github', action: 'create-branch', GitActionSucceeded: 1 });
    expect(succeeded?._aws.CloudWatchMetrics).toEqual([
      { Namespace: 'patgate', Dimensions: [['service', 'hostKind', 'action']], Metrics: [{ Name: 'GitActionSucceeded', Unit: 'Count' }] },
    ]);

    const latency = metricNamed(lines, 'HostLatency');
    expect(latency.map((l) => [l.hostKind, l.action])).toEqual([['github', 'createBranch']]);
    expect(latency[0]?.HostLatency).toEqual(expect.any(Number));
    expect(latency[0]?.HostLatency as number).toBeGreaterThanOrEqual(0);
    expect(latency[0]?._aws.CloudWatchMetrics[0]?.Metrics).toEqual([{ Name: 'HostLatency', Unit: 'Milliseconds' }]);
    expect(metricNamed(lines, 'GitActionRefused')).toEqual([]);
    // Nothing about the token or the user's login reaches a metric line.
    expect(lines.map((l) => JSON.stringify(l)).join('\n')).not.toContain(token.secret);
  });
});
