import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SiteInfo } from '../../simulators/jira/jira-simulator';
import { createJiraSite } from '../../local/jira-site/jira-site';
import { Harness } from '../support/harness';

/**
 * Issue 20: a page's invokeRemote may name any path of the remote, so `POST /lifecycle/forge` must
 * take only the lifecycle trigger's invocation (a FIT with no principal, module
 * `patgate-lifecycle-events`, type `core:trigger`). Before the fix any user of the issue panel
 * could uninstall the site and erase all its data.
 */
const EVENTS = ['avi:forge:installed:app', 'avi:forge:upgraded:app', 'avi:forge:uninstalled:app'] as const;
const PAGE_MODULES = ['patgate-admin', 'patgate-issue-context', 'patgate-user-settings'] as const;

describe('only the lifecycle trigger may post lifecycle events', () => {
  let h: Harness;
  let site: SiteInfo;
  const admin = 'demo-admin';
  const user = 'demo-user';

  beforeAll(async () => {
    h = await Harness.start();
    site = await h.installSite();
    h.jira.grant(site.clientKey, admin, 'ADMINISTER');
    // The site's data: its tenant item (an uninstall would delete it and write a deletion marker).
    expect((await h.scanAll()).some((item) => JSON.stringify(item).includes(site.installationId))).toBe(true);
  });
  afterAll(() => h.stop());

  const eventBody = (eventType: string, overrides: Record<string, unknown> = {}) => ({
    eventType,
    id: site.installationId,
    installerAccountId: user,
    app: { id: h.jira.forgeAppId, version: '3.1.0' },
    environment: { id: site.environmentId },
    context: `ari:cloud:jira::site/${site.cloudId}`,
    ...overrides,
  });

  const post = (headers: Record<string, string>, body: unknown) => h.call('POST', '/lifecycle/forge', { headers, body });

  /** The refusal names its check and never echoes the token; the table is exactly as it was. */
  const expectRefused = async (headers: Record<string, string>, body: unknown, check: string) => {
    const before = await h.scanAll();
    const res = await post(headers, body);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toMatchObject({ code: 'UNAUTHENTICATED', check });
    const token = (headers.authorization ?? '').replace(/^Bearer /, '');
    for (const part of token.split('.').filter((p) => p.length > 8)) expect(res.text).not.toContain(part);
    await h.deletions.idle();
    expect(await h.scanAll()).toEqual(before);
  };

  for (const eventType of EVENTS) {
    for (const moduleKey of PAGE_MODULES) {
      it(`a user FIT of ${moduleKey} posting ${eventType} is refused and nothing changes`, () =>
        expectRefused(h.jira.forgeHeaders(site.clientKey, user, { moduleKey }), eventBody(eventType), 'principal'));
    }
    it(`a FIT with a principal is refused even when it names the trigger module (${eventType})`, () =>
      expectRefused(h.jira.forgeHeaders(site.clientKey, admin, { moduleKey: 'patgate-lifecycle-events' }), eventBody(eventType), 'principal'));
  }

  it('a trigger FIT of another module (not our lifecycle trigger) is refused', () =>
    expectRefused(h.jira.triggerHeaders(site.clientKey, { moduleKey: 'another-trigger' }), eventBody('avi:forge:uninstalled:app'), 'module'));

  it('a FIT without a principal that is not a trigger invocation (module type) is refused', () =>
    expectRefused(h.jira.triggerHeaders(site.clientKey, { moduleType: 'jira:issuePanel' }), eventBody('avi:forge:uninstalled:app'), 'module'));

  it("a trigger event whose body names another installation than the FIT's is refused", async () => {
    const other = h.jira.createSite();
    await expectRefused(h.jira.triggerHeaders(site.clientKey), eventBody('avi:forge:uninstalled:app', { id: other.installationId }), 'installation');
    await expectRefused(h.jira.triggerHeaders(site.clientKey), eventBody('avi:forge:uninstalled:app', { context: `ari:cloud:jira::site/${other.cloudId}` }), 'context');
  });

  it('user routes refuse a trigger FIT (no principal)', async () => {
    const res = await h.call('GET', '/api/me/integrations', { headers: h.jira.triggerHeaders(site.clientKey) });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'UNAUTHENTICATED', check: 'principal' });
  });

  it("each route takes only its modules' FITs: admin routes the admin page, user routes the user pages", async () => {
    const adminFromPanel = await h.call('GET', '/api/admin/integrations', { as: { site, accountId: admin }, moduleKey: 'patgate-issue-context' });
    expect(adminFromPanel.status).toBe(401);
    expect(adminFromPanel.body).toMatchObject({ code: 'UNAUTHENTICATED', check: 'module' });
    const userFromAdmin = await h.call('GET', '/api/me/integrations', { as: { site, accountId: user }, moduleKey: 'patgate-admin' });
    expect(userFromAdmin.status).toBe(401);
    expect(userFromAdmin.body).toMatchObject({ check: 'module' });
    for (const moduleKey of ['patgate-issue-context', 'patgate-user-settings']) {
      expect((await h.call('GET', '/api/me/integrations', { as: { site, accountId: user }, moduleKey })).status).toBe(200);
    }
    expect((await h.call('GET', '/api/admin/integrations', { as: { site, accountId: admin }, moduleKey: 'patgate-admin' })).status).toBe(200);
  });

  it('through the local page bridge: the page gets a FIT for any path, as Forge gives it, and the API refuses it', async () => {
    const dist = mkdtempSync(join(tmpdir(), 'patgate-dist-'));
    for (const page of ['admin', 'panel']) {
      mkdirSync(join(dist, page));
      writeFileSync(join(dist, page, 'index.html'), '<html><body><script type="module" src="./index.js"></script></body></html>');
    }
    h.app.server.setFallback(await createJiraSite({ jira: h.jira, clientKey: site.clientKey, distDir: dist, build: false }));
    for (const eventType of EVENTS) {
      const minted = await fetch(`${h.url}/_jira/token`, { method: 'POST', body: JSON.stringify({ accountId: user, page: 'panel', method: 'POST', path: '/lifecycle/forge', query: {} }) });
      expect(minted.status).toBe(200);
      const { headers } = (await minted.json()) as { headers: Record<string, string> };
      await expectRefused(headers, eventBody(eventType), 'principal');
    }
  });

  it('the genuine trigger still uninstalls (and its data goes)', async () => {
    const other = await h.installSite();
    expect(await h.uninstallSite(other)).toBe(204);
    const gone = await h.call('GET', '/api/me/integrations', { as: { site: other, accountId: user } });
    expect(gone.status).toBe(401);
  });
});
