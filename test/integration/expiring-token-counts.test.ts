import type { SiteInfo } from '../../simulators/jira/jira-simulator';
import { startHostSimulators, type HostSimulators, type HostWorld } from '../../local/host-worlds';
import { Harness } from '../support/harness';
import { TestClock } from '../support/test-clock';

const DAY = 24 * 3600 * 1000;

/** The admin list's per-integration count of users' tokens expiring within 7 days (DynamoDB Local, GitHub simulator). */
describe('GET /api/admin/integrations: tokens expiring within 7 days, per integration', () => {
  let hosts: HostSimulators;
  let h: Harness;
  let github: HostWorld;
  const clock = new TestClock();

  beforeAll(async () => {
    hosts = await startHostSimulators();
    h = await Harness.start(hosts.env, { clock });
    github = hosts.world('github');
  });
  afterAll(async () => {
    await h.stop();
    await hosts.stop();
  });

  const site = async (): Promise<SiteInfo> => {
    const s = await h.installSite();
    h.jira.grant(s.clientKey, 'admin', 'ADMINISTER');
    return s;
  };
  const integration = async (s: SiteInfo, name: string): Promise<string> => {
    const res = await h.call('POST', '/api/admin/integrations', { as: { site: s, accountId: 'admin' }, body: github.integrationBody(name, true) });
    expect(res.status).toBe(201);
    return String(res.body.id);
  };
  const saveToken = async (s: SiteInfo, integrationId: string, login: string, days?: number): Promise<void> => {
    const expiresAt = days === undefined ? undefined : new Date(clock.now().getTime() + days * DAY);
    const token = github.userToken(`${login}-${Math.random().toString(36).slice(2, 7)}`, expiresAt ? { expiresAt } : {});
    const res = await h.call('PUT', `/api/me/tokens/${integrationId}`, { as: { site: s, accountId: login }, body: token.body });
    expect(res.status).toBe(200);
  };
  const counts = async (s: SiteInfo): Promise<Record<string, unknown>> => {
    const res = await h.call('GET', '/api/admin/integrations', { as: { site: s, accountId: 'admin' } });
    expect(res.status).toBe(200);
    const list = res.body.integrations as { id: string; tokensExpiringWithin7Days: unknown }[];
    return Object.fromEntries(list.map((i) => [i.id, i.tokensExpiringWithin7Days]));
  };

  it('counts this tenant\'s tokens expiring in the next 7 days, per integration, and nothing of other tenants', async () => {
    const a = await site();
    const b = await site();
    const first = await integration(a, 'first');
    const second = await integration(a, 'second');
    const none = await integration(a, 'none');
    const other = await integration(b, 'other tenant');

    await saveToken(a, first, 'u1', 3);
    await saveToken(a, first, 'u2', 12);
    await saveToken(a, first, 'u3');
    await saveToken(a, second, 'u4', 6);
    await saveToken(a, second, 'u5', 1);
    await saveToken(b, other, 'u6', 2);
    await saveToken(b, other, 'u7', 2);

    expect(await counts(a)).toEqual({ [first]: 1, [second]: 2, [none]: 0 });
    expect(await counts(b)).toEqual({ [other]: 2 });

    clock.advance(4 * DAY);
    try {
      // u1 (3 days) and u5 (1 day) have expired; u2 (12 days) is still 8 days out; u4 is 2 days out.
      expect(await counts(a)).toEqual({ [first]: 0, [second]: 1, [none]: 0 });
    } finally {
      clock.advance(-4 * DAY);
    }
  });
});
