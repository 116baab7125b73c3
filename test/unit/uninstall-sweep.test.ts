import { SigV4Authorization } from '../../lambdas/hosts/codecommit/simulator/sigv4-authorization';
import { EventBridgeSweepScheduler, isSweepEvent, TimerSweepScheduler } from '../../lambdas/jira/uninstall-sweep';

// Unit level on purpose: EventBridge Scheduler cannot run here, so the one outgoing HTTPS call is
// captured (global fetch replaced for this test only) and checked as AWS would check it.
describe('second uninstall sweep scheduling', () => {
  afterEach(() => jest.restoreAllMocks());

  it('creates a one-shot EventBridge Scheduler schedule, SigV4-signed, that invokes the lifecycle function with the sweep event', async () => {
    const sent: { url: string; init: RequestInit }[] = [];
    jest.spyOn(globalThis, 'fetch').mockImplementation(async (url, init) => {
      sent.push({ url: String(url), init: init ?? {} });
      return new Response('{"ScheduleArn":"arn"}', { status: 200 });
    });
    const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:patgate-lifecycle';
    const scheduler = new EventBridgeSweepScheduler(
      { region: 'eu-west-1', groupName: 'sweep-group', roleArn: 'arn:aws:iam::123456789012:role/sweep', functionArn: () => arn },
      { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', AWS_SESSION_TOKEN: 'session' },
    );
    const before = Date.now();
    await scheduler.schedule('ari:cloud:ecosystem::installation/abc', 90_000);
    expect(sent).toHaveLength(1);
    const { url, init } = sent[0] ?? { url: '', init: {} };
    const target = new URL(url);
    expect(target.host).toBe('scheduler.eu-west-1.amazonaws.com');
    expect(target.pathname).toMatch(/^\/schedules\/sweep-[0-9a-f]{32}-\d+$/);
    const body = JSON.parse(String(init.body)) as { ScheduleExpression: string; GroupName: string; ActionAfterCompletion: string; Target: { Arn: string; RoleArn: string; Input: string } };
    expect(body).toMatchObject({ GroupName: 'sweep-group', ActionAfterCompletion: 'DELETE', Target: { Arn: arn, RoleArn: 'arn:aws:iam::123456789012:role/sweep' } });
    const at = new Date(`${/^at\((.+)\)$/.exec(body.ScheduleExpression)?.[1] ?? ''}Z`).getTime();
    expect(at).toBeGreaterThanOrEqual(before + 89_000);
    expect(at).toBeLessThanOrEqual(Date.now() + 91_000);
    const input: unknown = JSON.parse(body.Target.Input);
    expect(isSweepEvent(input)).toBe(true);
    expect(input).toEqual({ patgateSweep: { tenant: 'ari:cloud:ecosystem::installation/abc' } });

    const headers: Record<string, string> = { ...(init.headers as Record<string, string>), host: target.host };
    const authorization = SigV4Authorization.parse(headers.authorization);
    expect(authorization?.service).toBe('scheduler');
    const request = { method: 'POST', path: target.pathname, query: new URLSearchParams(), headers, rawBody: String(init.body) };
    expect(authorization?.matches(request, 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY')).toBe(true);
    expect(authorization?.matches(request, 'another-secret')).toBe(false);
    expect(authorization?.matches({ ...request, rawBody: String(init.body).replace('abc', 'abd') }, 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY')).toBe(false);
  });

  it('never fails the uninstall when scheduling fails or cannot be attempted', async () => {
    jest.spyOn(globalThis, 'fetch').mockRejectedValue(new TypeError('fetch failed'));
    const target = { region: 'eu-west-1', groupName: 'g', roleArn: 'r', functionArn: () => 'arn:aws:lambda:eu-west-1:1:function:f' };
    await expect(new EventBridgeSweepScheduler(target, { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }).schedule('t', 1)).resolves.toBeUndefined();
    await expect(new EventBridgeSweepScheduler({ ...target, functionArn: () => undefined }, {}).schedule('t', 1)).resolves.toBeUndefined();
  });

  it('locally runs the sweep on a timer', async () => {
    const swept: string[] = [];
    const timers = new TimerSweepScheduler(async (tenant) => swept.push(tenant));
    await timers.schedule('jira:one', 10);
    await timers.schedule('jira:two', 60_000);
    await new Promise((resolve) => setTimeout(resolve, 60));
    timers.cancelAll();
    expect(swept).toEqual(['jira:one']);
  });
});
