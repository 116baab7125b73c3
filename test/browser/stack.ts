import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type FrameLocator, type Page } from 'playwright-core';
import type { SiteInfo } from '../../simulators/jira/jira-simulator';
import { createJiraSite } from '../../local/jira-site/jira-site';
import { startHostSimulators, type HostSimulators, type HostWorld } from '../../local/host-worlds';
import { Harness } from '../support/harness';

export const CHROMIUM = process.env.PATGATE_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(__dirname, '..', '..', 'docs', 'screenshots');

export const ADMIN_PATH = '/jira/settings/apps/patgate-admin';
export const SETTINGS_PATH = '/jira/settings/personal/apps/patgate-user-settings';

/**
 * The whole local stack for a browser test file: the four host simulators, the API with its real
 * handlers over DynamoDB Local, the Jira simulator with a site, the simulated Jira page serving the
 * built pages, and a headless Chromium. Nothing is mocked.
 */
export class BrowserStack {
  private constructor(
    readonly hosts: HostSimulators,
    readonly harness: Harness,
    readonly site: SiteInfo,
    readonly browser: Browser,
    /** Every Content Security Policy violation seen: reported to the site, fired in a page, or logged by Chromium. */
    readonly cspViolations: string[],
  ) {}

  static async start(options: { manifestPath?: string } = {}): Promise<BrowserStack> {
    const violations: string[] = [];
    const hosts = await startHostSimulators();
    // Forge Remote, as every new install: the pages' calls carry Forge Invocation Tokens.
    const harness = await Harness.start(hosts.env);
    const site = await harness.installSite();
    harness.jira.grant(site.clientKey, 'demo-admin', 'ADMINISTER');
    harness.jira.grant(site.clientKey, 'demo-user', 'VIEW_DEV_TOOLS', 'DEMO');
    // The global setup built jira-app/dist once for the run.
    // Each page is served under the CSP Forge would send for our manifest; violations are collected.
    const onCspViolation = (report: unknown): void => void violations.push(`report: ${JSON.stringify(report)}`);
    harness.app.server.setFallback(await createJiraSite({ jira: harness.jira, clientKey: site.clientKey, build: false, onCspViolation, manifestPath: options.manifestPath }));
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--headless', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
    return new BrowserStack(hosts, harness, site, browser, violations);
  }

  /** Fails the test that caused a CSP violation (each browser test file calls it after each test). */
  expectNoCspViolations(): void {
    const seen = this.cspViolations.splice(0);
    if (seen.length) throw new Error(`Content Security Policy violations:\n${seen.join('\n')}`);
  }

  get url(): string {
    return this.harness.url;
  }

  world(kind: string): HostWorld {
    return this.hosts.world(kind);
  }

  /** A fresh browser profile signed in (in the simulated Jira) as this user. */
  async signIn(accountId: 'demo-admin' | 'demo-user'): Promise<{ context: BrowserContext; page: Page }> {
    const context = await this.browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript((user) => {
      (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('patgate-simulated-jira-user', user);
    }, accountId);
    // In every frame (the pages' iframes too): a blocked style, script or connection fires this event.
    await context.addInitScript(() => {
      const doc = (globalThis as unknown as { document: { addEventListener(type: string, listener: (event: { violatedDirective: string; blockedURI: string; sourceFile: string }) => void): void } }).document;
      doc.addEventListener('securitypolicyviolation', (event) => console.error(`[csp-violation] ${event.violatedDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile})`));
    });
    context.on('console', (message) => {
      if (/\[csp-violation\]|Content Security Policy/i.test(message.text())) this.cspViolations.push(`console: ${message.text()}`);
    });
    const page = await context.newPage();
    page.setDefaultTimeout(Number(process.env.BROWSER_TEST_TIMEOUT ?? 20_000));
    return { context, page };
  }

  /** An integration made through the API as the admin would (the browser story makes its own). */
  async createIntegration(kind: string, name: string, requireUserPat: boolean): Promise<string> {
    const response = await this.harness.call('POST', '/api/admin/integrations', {
      as: { site: this.site, accountId: 'demo-admin' },
      body: this.world(kind).integrationBody(name, requireUserPat),
    });
    if (response.status !== 201) throw new Error(`create ${kind} answered ${response.status}: ${response.text}`);
    return String(response.body.id);
  }

  async stop(): Promise<void> {
    await this.browser.close();
    await this.harness.stop();
    await this.hosts.stop();
  }
}

/** The patgate page inside the simulated Jira page. */
export const app = (page: Page): FrameLocator => page.frameLocator('#patgate-app');

export const open = async (page: Page, stack: BrowserStack, path: string): Promise<FrameLocator> => {
  await page.goto(`${stack.url}${path}`);
  return app(page);
};

/** A full-page screenshot under docs/screenshots/, from the top (the Jira header is sticky). */
export const screenshot = async (page: Page, name: string): Promise<void> => {
  await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
};
