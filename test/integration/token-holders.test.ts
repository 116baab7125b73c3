import type { SiteInfo } from '../../simulators/jira/jira-simulator';
import { startHostSimulators, type HostSimulators, type HostWorld } from '../../local/host-worlds';
import { Harness } from '../support/harness';

/** The admin API's token-holder count per integration (DynamoDB Local, loopback GitHub/GHE simulators). */
describe('GET /api/admin/integrations: tokenHolders per integration', () => {
  let hosts: HostSimulators;
  let h: Harness;
  let site: SiteInfo;
  const world = (kind: string): HostWorld => {
    return hosts.world(kind);
  };

  beforeAll(async () => {
    hosts = await startHostSimulators();
    h = await Harness.start(hosts.env);
    site = await h.installSite();
    h.jira.grant(site.clientKey, 'admin', 'ADMINISTER');
  });
  afterAll(async () => {
    await h.stop();
    await hosts.stop();
  });

  const asAdmin = () => ({ site, accountId: 'admin' });
  let seq = 0;
  const integration = async (w: HostWorld): Promise<string> => {
    seq += 1;
    const res = await h.call('POST', '/api/admin/integrations', { as: asAdmin(), body: w.integrationBody(`holders ${seq}`, true) });
    expect(res.status).toBe(201);
    return String(res.body.id);
  };
  const saveToken = async (w: HostWorld, id: string, accountId: string): Promise<void> => {
    const res = await h.call('PUT', `/api/me/tokens/${id}`, { as: { site, accountId }, body: w.userToken(`${accountId}-${Math.random().toString(36).slice(2, 7)}`).body });
    expect(res.status).toBe(200);
  };
  const removeToken = async (id: string, accountId: string): Promise<number> => (await h.call('DELETE', `/api/me/tokens/${id}`, { as: { site, accountId } })).status;
  const listed = async (): Promise<Record<string, unknown>> => {
    const res = await h.call('GET', '/api/admin/integrations', { as: asAdmin() });
    expect(res.status).toBe(200);
    return Object.fromEntries((res.body.integrations as { id: string; tokenHolders: unknown }[]).map((i) => [i.id, i.tokenHolders]));
  };
  const single = async (id: string): Promise<unknown> => {
    const res = await h.call('GET', `/api/admin/integrations/${id}`, { as: asAdmin() });
    expect(res.status).toBe(200);
    return res.body.tokenHolders;
  };

  it('counts users holding a token: a replaced token counts once, a removed one no more, per integration', async () => {
    const w = world('github');
    const a = await integration(w);
    const b = await integration(w);
    expect(await listed()).toMatchObject({ [a]: 0, [b]: 0 });

    await saveToken(w, a, 'u1');
    await saveToken(w, a, 'u2');
    await saveToken(w, a, 'u1'); // replaced, still one holder
    await saveToken(w, b, 'u1');
    expect(await listed()).toMatchObject({ [a]: 2, [b]: 1 });
    expect([await single(a), await single(b)]).toEqual([2, 1]);

    expect(await removeToken(a, 'u2')).toBe(204);
    expect(await removeToken(a, 'u2')).toBe(204); // nothing left to remove: the count stays
    expect(await listed()).toMatchObject({ [a]: 1, [b]: 1 });
    expect(await single(a)).toBe(1);
  });

  it('stays exact when many users save and remove at the same time', async () => {
    const w = world('github');
    const id = await integration(w);
    const users = Array.from({ length: 8 }, (_, i) => `c${i}`);
    await Promise.all(users.map((u) => saveToken(w, id, u)));
    expect(await single(id)).toBe(users.length);
    await Promise.all(users.slice(0, 5).map((u) => removeToken(id, u)));
    expect(await single(id)).toBe(3);
    const stored = (await h.scanAll()).filter((item) => item.type === 'user-token' && item.integrationId === id);
    expect(stored).toHaveLength(3);
  });

  it('a move drops every token and the count with them; an admin edit keeps the count', async () => {
    const w = world('github-enterprise');
    const id = await integration(w);
    await saveToken(w, id, 'm1');
    await saveToken(w, id, 'm2');
    const renamed = await h.call('PATCH', `/api/admin/integrations/${id}`, { as: asAdmin(), headers: { 'if-match': '"1"' }, body: { requireUserPat: false } });
    expect(renamed.status).toBe(200);
    expect(await single(id)).toBe(2);
    const moved = await h.call('PATCH', `/api/admin/integrations/${id}`, {
      as: asAdmin(),
      headers: { 'if-match': `"${String(renamed.body.version)}"` },
      // The same simulator under another host name is another host; its service token passes the check on save.
      body: { baseUrl: hosts.github.url.replace('127.0.0.1', 'localhost'), serviceCredential: w.integrationBody('moved', false).serviceCredential },
    });
    expect(moved.status).toBe(200);
    expect(await single(id)).toBe(0);
    expect((await listed())[id]).toBe(0);
  });

  it('an integration delete leaves no count behind', async () => {
    const w = world('github');
    const id = await integration(w);
    await saveToken(w, id, 'd1');
    expect((await h.call('DELETE', `/api/admin/integrations/${id}`, { as: asAdmin() })).status).toBe(204);
    await h.deletions.idle(); // the deletion job (lambdas/deletion) removes the counter and the tokens
    // The audit (entries and their per-integration copies) outlives the integration on purpose.
    const left = (await h.scanAll()).filter((item) => !String(item.PK).endsWith('#AUDIT') && (item.integrationId === id || String(item.SK).includes(id)));
    expect(left).toEqual([]);
  });
});
