import type { SiteInfo } from '../../simulators/jira/jira-simulator';
import { startHostSimulators, type HostSimulators, type HostWorld } from '../../local/host-worlds';
import { Harness } from '../support/harness';

const DAY = 24 * 3600 * 1000;
/** A name JSON must escape (quotes, backslash) or may not (non-ASCII): the rendered text must still match byte for byte. */
const NEW_NAME = 'GitLab "renamed" \\ ✓ é';

interface Listed {
  readonly integrationId: string;
  readonly status: string;
  readonly hint?: string;
  readonly providerLogin?: string;
  readonly repositoryOverrides: readonly { repositoryId: string; requireUserPat: boolean }[];
  readonly setupUrl: string;
}

/**
 * GET /api/me/integrations is sent from parts rendered once per cached list (the user-independent
 * fields of each integration) plus the caller's own token fields. These check, through the real
 * handlers, DynamoDB Local and the host simulators, that the text is exactly what serialising
 * `TokenService.listMine` gives, that no user's token fields reach another user, and that an
 * admin's change in the same container shows in the next answer (no stale rendering).
 */
describe.each(['forge'])('GET /api/me/integrations from cached rendered parts (%s site)', (_platform) => {
  let hosts: HostSimulators;
  let h: Harness;
  let site: SiteInfo;
  const admin = 'list-admin';
  const ids: Record<string, string> = {};
  let github: HostWorld;

  const id = (kind: string): string => {
    const found = ids[kind];
    if (!found) throw new Error(`no ${kind} integration`);
    return found;
  };
  const as = (accountId: string) => ({ site, accountId });
  const list = async (accountId: string): Promise<{ text: string; integrations: Listed[] }> => {
    const res = await h.call('GET', '/api/me/integrations', { as: as(accountId) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    return { text: res.text, integrations: res.body.integrations as Listed[] };
  };
  const direct = async (accountId: string): Promise<string> => {
    const tenant = await h.app.deps.tenants.get(site.clientKey);
    if (!tenant) throw new Error('the site is not installed');
    return JSON.stringify({ integrations: await h.app.deps.tokenService.listMine(tenant, accountId) });
  };

  beforeAll(async () => {
    hosts = await startHostSimulators();
    h = await Harness.start(hosts.env);
    site = await h.installSite();
    h.jira.grant(site.clientKey, admin, 'ADMINISTER');
    github = hosts.world('github');
    for (const [kind, pat] of [['github', true], ['gitlab', false], ['codecommit', true], ['tfs 2015', false]] as const) {
      const world = hosts.world(kind);
      const res = await h.call('POST', '/api/admin/integrations', { as: as(admin), body: world.integrationBody(`${kind} list`, pat) });
      expect(res.status).toBe(201);
      ids[kind] = String(res.body.id);
    }
    const override = await h.call('PUT', `/api/admin/integrations/${id('github')}/repositories`, { as: as(admin), body: { repositoryId: github.repositoryId, requireUserPat: false } });
    expect(override.status).toBe(200);
    // user-a: an expiring GitHub token (countdown and warning) and CodeCommit keys (hint with the key id).
    const githubToken = await h.call('PUT', `/api/me/tokens/${id('github')}`, { as: as('user-a'), body: github.userToken('user-a', { expiresAt: new Date(Date.now() + 3 * DAY + 3600_000) }).body });
    expect(githubToken.status).toBe(200);
    const codecommitToken = await h.call('PUT', `/api/me/tokens/${id('codecommit')}`, { as: as('user-a'), body: hosts.world('codecommit').userToken('user-a').body });
    expect(codecommitToken.status).toBe(200);
  });

  afterAll(async () => {
    await h?.stop();
    await hosts?.stop();
  });

  it('sends exactly the serialised listMine, for a user with tokens and one without, again when the list is cached', async () => {
    for (const user of ['user-a', 'user-b', 'user-a', 'user-b']) {
      const { text } = await list(user);
      expect(text).toBe(await direct(user));
    }
    const a = new Map((await list('user-a')).integrations.map((i) => [i.integrationId, i]));
    expect(a.get(id('github'))).toMatchObject({ status: 'expiring', expiresInDays: 3, providerLogin: 'user-a', repositoryOverrides: [{ repositoryId: github.repositoryId, requireUserPat: false }] });
    expect(a.get(id('codecommit'))?.hint).toMatch(/^\S+ \S+/);
    expect(a.get(id('gitlab'))).toMatchObject({ status: 'missing', patSupported: true });
    expect(a.get(id('tfs 2015'))).toMatchObject({ status: 'missing', patSupported: false });
    expect(a.get(id('gitlab'))?.setupUrl).toContain(encodeURIComponent(id('gitlab')));
  });

  it('never gives one user another user\'s token fields from the shared rendering', async () => {
    await list('user-a');
    const b = await list('user-b');
    for (const entry of b.integrations) {
      expect(entry.status).toBe('missing');
      expect(entry).not.toHaveProperty('hint');
      expect(entry).not.toHaveProperty('providerLogin');
      expect(entry).not.toHaveProperty('expiresInDays');
      expect(entry).not.toHaveProperty('savedAt');
    }
  });

  it('shows the admin\'s change in this container at once: override set and removed, integration renamed, token deleted', async () => {
    await list('user-a');
    const repositoryId = 'acme/other';
    expect((await h.call('PUT', `/api/admin/integrations/${id('gitlab')}/repositories`, { as: as(admin), body: { repositoryId, requireUserPat: true } })).status).toBe(200);
    let gitlab = (await list('user-a')).integrations.find((i) => i.integrationId === id('gitlab'));
    expect(gitlab?.repositoryOverrides).toEqual([{ repositoryId, requireUserPat: true }]);
    expect((await h.call('PUT', `/api/admin/integrations/${id('gitlab')}/repositories`, { as: as(admin), body: { repositoryId, requireUserPat: null } })).status).toBe(200);
    gitlab = (await list('user-a')).integrations.find((i) => i.integrationId === id('gitlab'));
    expect(gitlab?.repositoryOverrides).toEqual([]);

    const current = await h.call('GET', `/api/admin/integrations/${id('gitlab')}`, { as: as(admin) });
    const renamed = await h.call('PATCH', `/api/admin/integrations/${id('gitlab')}`, { as: as(admin), headers: { 'if-match': String(current.headers.get('etag')) }, body: { name: NEW_NAME } });
    expect(renamed.status).toBe(200);
    const after = await list('user-a');
    expect(after.integrations.find((i) => i.integrationId === id('gitlab'))).toMatchObject({ name: NEW_NAME });
    expect(after.text).toBe(await direct('user-a'));

    expect((await h.call('DELETE', `/api/me/tokens/${id('codecommit')}`, { as: as('user-a') })).status).toBe(204);
    const codecommit = (await list('user-a')).integrations.find((i) => i.integrationId === id('codecommit'));
    expect(codecommit).toMatchObject({ status: 'missing' });
    expect(codecommit).not.toHaveProperty('hint');
  });
});
