import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JiraSimulator } from '../../simulators/jira/jira-simulator';
import { LocalApiServer } from '../../local/api-server';
import { createJiraSite, mintAuthorization } from '../../local/jira-site/jira-site';

/** The simulated Jira page beside the API: what it serves, what it refuses, and that the API stays the API. */
describe('simulated Jira site (local fallback of the API server)', () => {
  const jira = new JiraSimulator();
  let server: LocalApiServer;
  let url: string;
  let clientKey: string;
  const reports: unknown[] = [];

  beforeAll(async () => {
    await jira.start();
    clientKey = jira.createSite('demo').clientKey;
    const dist = mkdtempSync(join(tmpdir(), 'patgate-dist-'));
    mkdirSync(join(dist, 'admin'));
    writeFileSync(join(dist, 'admin', 'index.html'), '<html><body><main id="root"></main><script type="module" src="./index.js"></script></body></html>');
    writeFileSync(join(dist, 'admin', 'index.js'), 'export {};');
    writeFileSync(join(dist, 'secret.txt'), 'outside any page');
    server = new LocalApiServer([{ routeKey: 'GET /health', handler: async () => ({ statusCode: 200, headers: {}, body: '{"ok":true}' }) }]);
    server.setFallback(await createJiraSite({ jira, clientKey, distDir: dist, build: false, onCspViolation: (report) => void reports.push(report) }));
    url = await server.start(0);
  });

  afterAll(async () => {
    await server.stop();
    await jira.stop();
  });

  it('serves the Jira frame on its pages and 404 elsewhere, while API paths stay with the API', async () => {
    const home = await fetch(`${url}/jira/settings/apps/patgate-admin`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('"siteName":"demo"');
    expect((await fetch(`${url}/nowhere`)).status).toBe(404);
    expect(await (await fetch(`${url}/health`)).json()).toEqual({ ok: true });
    const unknownApi = await fetch(`${url}/api/nothing-here`);
    expect(unknownApi.status).toBe(404);
    expect(unknownApi.headers.get('content-type')).toBe('application/problem+json');
  });

  it("puts the bridge stand-in before the page's own script, and never serves outside a page's folder", async () => {
    const html = await (await fetch(`${url}/app/admin/index.html`)).text();
    expect(html.indexOf('/_jira/bridge.js')).toBeGreaterThan(-1);
    expect(html.indexOf('/_jira/bridge.js')).toBeLessThan(html.indexOf('./index.js'));
    expect((await fetch(`${url}/app/admin/..%2Fsecret.txt`)).status).toBe(404);
    expect((await fetch(`${url}/app/admin/%2e%2e/secret.txt`)).status).toBe(404);
    expect((await fetch(`${url}/_jira/..%2Fjira-site.ts`)).status).toBe(404);
  });

  it("serves a page under the CSP Forge makes from our manifest's permissions, and collects what the browser reports", async () => {
    const response = await fetch(`${url}/app/admin/index.html`);
    const policy = String(response.headers.get('content-security-policy'));
    const directives = new Map(policy.split('; ').map((d) => [d.split(' ')[0], d] as const));
    // From Atlassian's @forge/csp: scripts and styles only from the page's own origin (and Forge's
    // CDN); nothing inline, since the manifest declares no permissions.content.
    expect(directives.get('script-src')).toMatch(/^script-src 'self' https:\/\/forge\.cdn\.prod\.atlassian-dev\.net/);
    expect(directives.get('script-src')).not.toContain('unsafe');
    expect(directives.get('style-src')).toMatch(/^style-src 'self' /);
    expect(directives.get('style-src')).not.toContain('unsafe');
    expect(directives.get('default-src')).toMatch(/^default-src 'self'/);
    expect(directives.get('sandbox')).toContain('allow-scripts');
    expect(directives.get('report-uri')).toBe('report-uri /_jira/csp-report');
    const report = { 'csp-report': { 'violated-directive': 'style-src-elem', 'blocked-uri': 'inline' } };
    expect((await fetch(`${url}/_jira/csp-report`, { method: 'POST', headers: { 'content-type': 'application/csp-report' }, body: JSON.stringify(report) })).status).toBe(204);
    expect(reports).toEqual([report['csp-report']]);
  });

  it("serves Atlassian's light and dark themes for the pages that enable theming", async () => {
    const css = await (await fetch(`${url}/_jira/theme.css`)).text();
    expect(css).toContain('html[data-color-mode="light"][data-theme~="light:light"]');
    expect(css).toContain('html[data-color-mode="dark"][data-theme~="dark:dark"]');
    expect(css).toMatch(/--ds-surface:/);
  });

  it('mints for a simulated user only, and, like Forge\'s invokeRemote, for any path of the remote', async () => {
    const mint = (body: unknown): Promise<Response> => fetch(`${url}/_jira/token`, { method: 'POST', body: JSON.stringify(body) });
    const ok = await mint({ accountId: 'demo-user', page: 'settings', method: 'GET', path: '/api/me/integrations', query: {} });
    expect(ok.status).toBe(200);
    const { headers } = (await ok.json()) as { headers: { authorization: string } };
    const claims = JSON.parse(Buffer.from(headers.authorization.replace(/^Bearer /, '').split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ principal: 'demo-user', app: { installationId: clientKey, module: { key: 'patgate-user-settings' } } });
    expect((await mint({ accountId: 'someone-else', method: 'GET', path: '/api/me/integrations' })).status).toBe(400);
    // The API, not the bridge, refuses a page's token on the lifecycle route (lifecycle-trigger-only.test.ts).
    expect((await mint({ accountId: 'demo-user', method: 'POST', path: '/lifecycle/forge' })).status).toBe(200);
    expect((await mint({ accountId: 'demo-user', method: 'TRACE', path: '/api/me/integrations' })).status).toBe(400);
  });

  it('on a Forge site mints what Forge Remote sends: a FIT for the page module and the app system token', async () => {
    const forge = jira.createSite('forge-demo');
    const headers = await mintAuthorization(jira, forge.clientKey)('demo-user', { method: 'GET', path: '/api/me/integrations', query: {}, page: 'panel' });
    expect(headers.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(headers['x-forge-oauth-system']).toEqual(expect.any(String));
    const claims = JSON.parse(Buffer.from(String(headers.authorization).split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(claims).toMatchObject({ principal: 'demo-user' });
    expect(JSON.stringify(claims)).toContain('patgate-issue-context');
  });
  it("lists the issue's remote links as the issue page shows them (Web links)", async () => {
    const site = jira.site(clientKey);
    const remotelink = (body: unknown): Promise<Response> =>
      fetch(`${jira.url}/ex/jira/${site.cloudId}/rest/api/3/issue/DEMO-1/remotelink`, {
        method: 'POST',
        headers: { authorization: `Bearer ${jira.systemToken(clientKey)}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await (await fetch(`${url}/_jira/issues/DEMO-1/remotelinks`)).json())).toEqual({ links: [] });
    const written = await remotelink({
      globalId: 'patgate-pull_request-x',
      application: { type: 'patgate.git', name: 'patgate' },
      relationship: 'git',
      object: { url: 'http://127.0.0.1:9/acme/web/pull/1', title: 'Pull request 1 "DEMO-1 Fix" opened by uma (own token)', summary: 'GitHub: acme/web', icon: { title: 'Pull request' }, status: { resolved: false } },
    });
    expect(written.status).toBe(201);
    const listed = (await (await fetch(`${url}/_jira/issues/DEMO-1/remotelinks`)).json()) as { links: Record<string, unknown>[] };
    expect(listed.links).toEqual([
      expect.objectContaining({ url: 'http://127.0.0.1:9/acme/web/pull/1', title: 'Pull request 1 "DEMO-1 Fix" opened by uma (own token)', summary: 'GitHub: acme/web', kind: 'Pull request', resolved: false, application: 'patgate' }),
    ]);
    expect((await fetch(`${url}/_jira/issues/NOPE-1/remotelinks`)).status).toBe(200);
    expect((await fetch(`${url}/_jira/issues/not-a-key/remotelinks`)).status).toBe(404);
  });
});
