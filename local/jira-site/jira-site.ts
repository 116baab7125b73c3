import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { getThemeStyles } from '@atlaskit/tokens/get-theme-styles';
import { CSPInjectionService, CSPProcessingService } from '@forge/csp';
import { ManifestParserBuilder, type Permissions } from '@forge/manifest';
import { load } from 'cheerio';
import type { JiraSimulator } from '../../simulators/jira/jira-simulator';
import type { FallbackHandler } from '../api-server';

/**
 * The simulated Jira page that `npm start` and the browser tests serve beside the API: a Jira-like
 * frame (site header, user switcher, left navigation) that hosts the real built Custom UI pages in
 * an iframe, and a stand-in for the Forge bridge. The page's `invokeRemote` reaches this frame by
 * postMessage; the frame asks this server for the authorization Atlassian would attach, then calls
 * the API itself. Local only: nothing here is deployed.
 */

export interface SimulatedUser {
  readonly accountId: string;
  readonly name: string;
}

export interface SimulatedIssue {
  readonly key: string;
  readonly id: string;
  readonly summary: string;
  readonly description: string;
  readonly projectKey: string;
  readonly projectName: string;
}

/** What Atlassian attaches to a page's call to the app: the Authorization header (and, on Forge, the app system token). */
export type MintAuthorization = (
  accountId: string,
  request: { method: string; path: string; query: Record<string, string>; page?: string },
) => Record<string, string> | Promise<Record<string, string>>;

const MODULE_OF: Record<string, string> = { admin: 'patgate-admin', settings: 'patgate-user-settings', panel: 'patgate-issue-context' };

/**
 * THE one place the local Jira mints credentials for the pages' calls, as Forge Remote does: a
 * Forge Invocation Token for the page's module and the app system token (`x-forge-oauth-system`).
 * Like Forge's invokeRemote, whatever path the page names gets them; the API decides by the FIT's
 * module which routes it may reach.
 */
export const mintAuthorization = (jira: JiraSimulator, clientKey: string): MintAuthorization => (accountId, request) =>
  jira.forgeHeaders(clientKey, accountId, { moduleKey: MODULE_OF[request.page ?? ''] ?? 'patgate-admin' });

export interface JiraSiteOptions {
  readonly jira: JiraSimulator;
  readonly clientKey: string;
  readonly mint?: MintAuthorization;
  readonly users?: readonly SimulatedUser[];
  readonly issue?: SimulatedIssue;
  /** Where the built pages are (default: jira-app/dist). */
  readonly distDir?: string;
  /** Build the pages first (default true): a clean clone has no jira-app/dist. */
  readonly build?: boolean;
  /** Where the Forge manifest is whose `permissions` make each page's CSP (default: jira-app/manifest.yml). */
  readonly manifestPath?: string;
  /** Called with each CSP violation report a page's browser sends (the policy's report-uri). */
  readonly onCspViolation?: (report: unknown) => void;
}

export const DEFAULT_USERS: readonly SimulatedUser[] = [
  { accountId: 'demo-admin', name: 'Ada Admin' },
  { accountId: 'demo-user', name: 'Uma User' },
];

export const DEFAULT_ISSUE: SimulatedIssue = {
  key: 'DEMO-1',
  id: '10001',
  summary: 'Fix login timeout',
  description: 'Users are logged out after 5 minutes of inactivity instead of 30. Create a branch and a pull request from here.',
  projectKey: 'DEMO',
  projectName: 'Demo project',
};

const ROOT = resolve(__dirname, '..', '..');
const STATIC_DIR = join(__dirname, 'static');
const DEFAULT_DIST = join(ROOT, 'jira-app', 'dist');
const DEFAULT_MANIFEST = join(ROOT, 'jira-app', 'manifest.yml');
const CSP_REPORT_PATH = '/_jira/csp-report';

/** The manifest's `permissions`, read as Forge reads them (Atlassian's parser; no variable is needed there). */
const manifestPermissions = async (path: string): Promise<Permissions> => {
  const content = await readFile(path, 'utf8');
  return new ManifestParserBuilder().build().parseManifest({ content, filePath: path }).permissions ?? {};
};

/**
 * The Content-Security-Policy Forge serves a Custom UI page with, made by Atlassian's own package
 * (@forge/csp, "the CSP configuration for Custom UI resources in Forge") from the page's HTML and the
 * manifest's permissions, for the production environment. One change: the report-uri points at this
 * site, so the tests see every violation the browser reports.
 */
export const forgeContentSecurityPolicy = (html: string, permissions: Permissions, hostname: string): string => {
  const details = new CSPProcessingService({ info: () => undefined }, load).getCspDetails(html, permissions);
  return new CSPInjectionService()
    .getInjectableCSP({ existingCSPDetails: details, microsEnv: 'prod', hostname })
    .map((directive) => (directive.startsWith('report-uri ') ? `report-uri ${CSP_REPORT_PATH}` : directive))
    .join('; ');
};

/**
 * Atlassian's light and dark themes as one stylesheet (@atlaskit/tokens' own CSS for each theme),
 * scoped by the `data-theme`/`data-color-mode` attributes view.theme.enable() sets on the page.
 */
const themeStylesheet = async (): Promise<string> => {
  const styles = await getThemeStyles({ light: 'light', dark: 'dark', colorMode: 'auto' });
  return styles
    .filter((style) => style.id === 'light' || style.id === 'dark')
    .map((style) => style.css)
    .join('\n');
};

/** The site's pages (client-side routes of frame.js); everything else is a 404. */
const SHELL_PATHS = [
  /^\/$/,
  /^\/browse\/[A-Z][A-Z0-9]*-\d+$/,
  /^\/jira\/settings\/apps\/patgate-admin$/,
  /^\/jira\/settings\/personal\/apps\/patgate-user-settings$/,
  // The setupUrls the API hands out: Forge's personal settings page (/jira/settings/personal/apps/{appId}/{envId}).
  /^\/jira\/settings\/personal\/apps\/[^/]+\/[^/]+$/,
];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

const ACCOUNT_ID = /^[A-Za-z0-9:_-]{1,128}$/;

export const createJiraSite = async (options: JiraSiteOptions): Promise<FallbackHandler> => {
  const distDir = options.distDir ?? DEFAULT_DIST;
  if (options.build !== false) {
    const { buildApp } = await import('../../jira-app/build');
    await buildApp({ quiet: true });
  } else if (!existsSync(join(distDir, 'admin', 'index.html'))) {
    throw new Error('jira-app/dist is missing: run npm run build:app');
  }
  const permissions = await manifestPermissions(options.manifestPath ?? DEFAULT_MANIFEST);
  const themeCss = await themeStylesheet();
  const users = options.users ?? DEFAULT_USERS;
  const issue = options.issue ?? DEFAULT_ISSUE;
  const mint = options.mint ?? mintAuthorization(options.jira, options.clientKey);
  const site = options.jira.site(options.clientKey);
  const config = JSON.stringify({ users, issue, siteName: site.name, appKey: 'patgate' }).replace(/</g, '\\u003c');

  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void => {
    res.writeHead(status, {
      'content-type': type,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      ...extra,
    });
    res.end(body);
  };

  /** A Custom UI page's HTML, as Forge serves it: its bridge first, under Forge's CSP for this manifest. */
  const servePage = async (req: IncomingMessage, res: ServerResponse, dir: string): Promise<void> => {
    let html: string;
    try {
      html = await readFile(join(dir, 'index.html'), 'utf8');
    } catch {
      return send(res, 404, 'text/plain', 'Not found');
    }
    // The stand-in bridge goes in before the page's own script, as Forge's bridge would be there first.
    const page = html.replace('<script', '<script src="/_jira/bridge.js"></script>\n<script');
    send(res, 200, TYPES['.html'] ?? 'text/html', page, { 'content-security-policy': forgeContentSecurityPolicy(page, permissions, req.headers.host ?? 'localhost') });
  };

  const cspReport = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const report = await readJson(req);
    options.onCspViolation?.(report['csp-report'] ?? report);
    res.writeHead(204).end();
  };

  const serveFile = async (res: ServerResponse, base: string, relative: string, transform?: (text: string) => string): Promise<void> => {
    const file = normalize(join(base, relative));
    if (!file.startsWith(base + sep)) return send(res, 404, 'text/plain', 'Not found');
    let content: Buffer;
    try {
      content = await readFile(file);
    } catch {
      return send(res, 404, 'text/plain', 'Not found');
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    send(res, 200, type, transform ? transform(content.toString('utf8')) : content);
  };

  const mintRoute = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readJson(req);
    const accountId = typeof body.accountId === 'string' ? body.accountId : '';
    const method = typeof body.method === 'string' ? body.method.toUpperCase() : '';
    const path = typeof body.path === 'string' ? body.path : '';
    const query = body.query && typeof body.query === 'object' ? Object.fromEntries(Object.entries(body.query).map(([k, v]) => [k, String(v)])) : {};
    if (!ACCOUNT_ID.test(accountId) || !users.some((u) => u.accountId === accountId) || !/^(GET|POST|PUT|PATCH|DELETE)$/.test(method) || !path.startsWith('/')) {
      return send(res, 400, 'application/json', JSON.stringify({ message: 'accountId (a simulated user), method and a path of the remote are required' }));
    }
    const page = typeof body.page === 'string' ? body.page : undefined;
    send(res, 200, 'application/json', JSON.stringify({ headers: await mint(accountId, { method, path, query, page }) }));
  };

  /**
   * The issue's remote links as the issue view shows them under "Web links": read from the Jira
   * simulator's store (what the app wrote with POST /rest/api/3/issue/{key}/remotelink). Only
   * http(s) URLs become links, as Jira refuses any other scheme.
   */
  const remoteLinksRoute = (res: ServerResponse, issueKey: string): void => {
    const links = options.jira.remoteLinks(options.clientKey, issueKey).flatMap((link) => {
      const object = link.object;
      const url = typeof object.url === 'string' && /^https?:\/\//i.test(object.url) ? object.url : undefined;
      if (!url) return [];
      const icon = object.icon && typeof object.icon === 'object' ? (object.icon as Record<string, unknown>) : {};
      const status = object.status && typeof object.status === 'object' ? (object.status as Record<string, unknown>) : {};
      return [{
        id: link.id,
        url,
        title: typeof object.title === 'string' ? object.title : url,
        summary: typeof object.summary === 'string' ? object.summary : '',
        kind: typeof icon.title === 'string' ? icon.title : '',
        resolved: status.resolved === true,
        application: typeof link.application?.name === 'string' ? link.application.name : '',
      }];
    });
    send(res, 200, 'application/json', JSON.stringify({ links }));
  };

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const method = (req.method ?? 'GET').toUpperCase();
    if (method === 'POST' && url.pathname === '/_jira/token') return mintRoute(req, res);
    const issueLinks = /^\/_jira\/issues\/([A-Z][A-Z0-9]*-\d+)\/remotelinks$/.exec(url.pathname);
    if (method === 'GET' && issueLinks) return remoteLinksRoute(res, issueLinks[1] ?? '');
    if (method === 'POST' && url.pathname === CSP_REPORT_PATH) return cspReport(req, res);
    if (method !== 'GET' && method !== 'HEAD') return send(res, 405, 'text/plain', 'Method not allowed');
    if (url.pathname === '/_jira/theme.css') return send(res, 200, TYPES['.css'] ?? 'text/css', themeCss);
    if (url.pathname === '/_jira/icon.svg') return serveFile(res, join(ROOT, 'jira-app', 'static'), 'icon.svg');
    if (url.pathname.startsWith('/_jira/')) return serveFile(res, STATIC_DIR, url.pathname.slice('/_jira/'.length));
    const app = /^\/app\/(admin|settings|panel)\/(.+)$/.exec(url.pathname);
    if (app) {
      const [, page = '', file = ''] = app;
      if (file === 'index.html') return servePage(req, res, join(distDir, page));
      return serveFile(res, join(distDir, page), file);
    }
    if (SHELL_PATHS.some((p) => p.test(url.pathname))) return serveFile(res, STATIC_DIR, 'frame.html', (html) => html.replace('__JIRA_CONFIG__', config));
    send(res, 404, 'text/plain', 'Not found');
  };
};

const readJson = (req: IncomingMessage): Promise<Record<string, unknown>> =>
  new Promise((resolvePromise) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= 16 * 1024) chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
        resolvePromise(parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {});
      } catch {
        resolvePromise({});
      }
    });
    req.on('error', () => resolvePromise({}));
  });
