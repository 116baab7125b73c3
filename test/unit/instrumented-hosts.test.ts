import '../support/traced-lambda';
import type { Subsegment } from 'aws-xray-sdk-core';
import type { GitProvider } from '../../lambdas/hosts/git-provider';
import { instrumentHosts } from '../../lambdas/observability/instrumented-hosts';
import { noTelemetry, useTelemetry } from '../../lambdas/observability/telemetry';
import { loadTracer, tracer } from '../../lambdas/observability/tracer';

/**
 * The host instrumentation with tracing on, as in a traced Lambda: a subsegment per host operation
 * and HostLatency per host kind and operation. The provider is a stand-in of our own GitProvider
 * port (the adapters are exercised against the simulators elsewhere; here only the wrapper is).
 */
describe('git host calls, instrumented', () => {
  const provider = {
    verifyToken: () => Promise.resolve({ login: 'octocat' }),
    createBranch: () => Promise.reject(new Error('host said no')),
    newTokenUrl: () => 'https://github.com/settings/tokens/new',
  } as unknown as GitProvider;
  const lookup = instrumentHosts(() => provider);
  const latencies: [string, string, number][] = [];

  beforeAll(async () => {
    // What the Powertools middleware does before the first handler runs.
    await loadTracer();
    useTelemetry({ ...noTelemetry, hostLatency: (kind, op, ms) => latencies.push([kind, op, ms]) });
  });
  afterAll(() => useTelemetry(noTelemetry));

  it('wraps each host operation in a `## host <kind> <operation>` subsegment, errors included', async () => {
    expect(tracer.isTracingEnabled()).toBe(true);
    const segment = tracer.getSegment();
    if (!segment) throw new Error('no X-Ray segment');
    // The Lambda facade segment streams closed subsegments away: record them as they are opened.
    const opened: Subsegment[] = [];
    const addNewSubsegment = segment.addNewSubsegment.bind(segment);
    jest.spyOn(segment, 'addNewSubsegment').mockImplementation((name: string) => {
      const subsegment = addNewSubsegment(name);
      opened.push(subsegment);
      return subsegment;
    });
    const github = lookup({ provider: 'github' });
    await expect(github.verifyToken({ kind: 'token', token: undefined as never })).resolves.toEqual({ login: 'octocat' });
    await expect(github.createBranch({ kind: 'token', token: undefined as never }, { repository: 'a/b', branchName: 'x', fromRef: 'main' })).rejects.toThrow('host said no');
    expect(github.newTokenUrl()).toBe('https://github.com/settings/tokens/new');

    const flagged = (s: Subsegment): boolean => {
      const flags = s as unknown as { fault?: boolean; error?: boolean };
      return flags.fault === true || flags.error === true;
    };
    expect(opened.map((s) => [s.name, s.isClosed(), flagged(s)])).toEqual([
      ['## host github verifyToken', true, false],
      ['## host github createBranch', true, true],
      ['## host github newTokenUrl', true, false],
    ]);
    expect(latencies.map(([kind, op]) => [kind, op])).toEqual([
      ['github', 'verifyToken'],
      ['github', 'createBranch'],
    ]);
  });
});
