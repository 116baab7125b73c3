import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ADMIN_PATH, BrowserStack, open, screenshot } from './stack';

/**
 * The pages as Forge runs them: under the Content-Security-Policy Forge sends for our manifest, and
 * themed by Jira once they call view.theme.enable(). The CSP check of every other browser test is
 * shown to be able to fail: the same page under a manifest without `permissions.content.styles`
 * has its Atlaskit styles blocked, and the stack reports it.
 */
jest.setTimeout(180_000);

const TIMEOUT = Number(process.env.BROWSER_TEST_TIMEOUT ?? 20_000);

/** The background the page's surface really has (rgb), read in the page's own iframe. */
const surfaceColor = async (page: Page): Promise<string> => {
  const frame = page.frame({ url: /\/app\/admin\/index\.html/ });
  if (!frame) throw new Error('the admin page iframe is missing');
  await frame.locator('h1').first().waitFor({ timeout: TIMEOUT });
  return frame.evaluate(() => {
    const doc = (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document;
    const view = globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } };
    return view.getComputedStyle(doc.querySelector('#root > div')).backgroundColor;
  });
};

describe('the pages under Forge: content security policy and theme', () => {
  let stack: BrowserStack;
  beforeAll(async () => {
    stack = await BrowserStack.start();
  });
  afterEach(() => stack?.expectNoCspViolations());
  afterAll(async () => {
    await stack?.stop();
  });

  it('serves every page with a CSP that allows inline styles and no inline or remote script', async () => {
    for (const page of ['admin', 'settings', 'panel']) {
      const response = await fetch(`${stack.url}/app/${page}/index.html`);
      const directives = new Map(String(response.headers.get('content-security-policy')).split('; ').map((d) => [d.split(' ')[0], d] as const));
      expect(directives.get('style-src')).toContain("'unsafe-inline'");
      expect(directives.get('script-src')).toMatch(/^script-src 'self' https:\/\/forge\.cdn\.prod\.atlassian-dev\.net /);
      expect(directives.get('script-src')).not.toContain('unsafe');
    }
  });

  it('follows Jira from light to dark once the page has enabled theming, with no CSP violation', async () => {
    const { context, page } = await stack.signIn('demo-admin');
    try {
      await open(page, stack, ADMIN_PATH);
      const frame = page.frame({ url: /\/app\/admin\/index\.html/ });
      await page.waitForFunction(() => Boolean((globalThis as unknown as { document: { querySelector(s: string): { contentDocument?: { documentElement: { getAttribute(n: string): string | null } } } | null } }).document.querySelector('#patgate-app')?.contentDocument?.documentElement.getAttribute('data-color-mode')), undefined, { timeout: TIMEOUT });
      const html = (): Promise<{ mode: string | null; theme: string | null }> =>
        frame!.evaluate(() => {
          const root = (globalThis as unknown as { document: { documentElement: { getAttribute(n: string): string | null } } }).document.documentElement;
          return { mode: root.getAttribute('data-color-mode'), theme: root.getAttribute('data-theme') };
        });
      // What Atlassian documents the bridge sets: <html data-theme="dark:dark light:light" data-color-mode="…">.
      expect(await html()).toEqual({ mode: 'light', theme: 'dark:dark light:light' });
      expect(await surfaceColor(page)).toBe('rgb(255, 255, 255)');

      await page.locator('#theme-switcher').selectOption('dark');
      await frame!.waitForFunction(() => (globalThis as unknown as { document: { documentElement: { getAttribute(n: string): string | null } } }).document.documentElement.getAttribute('data-color-mode') === 'dark', undefined, { timeout: TIMEOUT });
      // Atlassian's dark surface (elevation.surface, #1F1F21 or the theme's value): anything but white.
      expect(await surfaceColor(page)).not.toBe('rgb(255, 255, 255)');
      await screenshot(page, 'admin-dark');

      await page.reload();
      expect(await surfaceColor(page)).not.toBe('rgb(255, 255, 255)');
    } finally {
      await context.close();
    }
  });
});

describe('the CSP check can fail: the same page under a manifest without permissions.content', () => {
  let stack: BrowserStack;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'patgate-csp-'));
    const manifest = readFileSync(join(__dirname, '../../jira-app/manifest.yml'), 'utf8').replace(/\n {2}content:\n {4}styles:\n {6}- unsafe-inline\n/, '\n');
    expect(manifest).not.toContain('unsafe-inline');
    writeFileSync(join(dir, 'manifest.yml'), manifest);
    stack = await BrowserStack.start({ manifestPath: join(dir, 'manifest.yml') });
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reports the Atlaskit <style> elements Forge's default policy blocks", async () => {
    const { context, page } = await stack.signIn('demo-admin');
    try {
      const blocked = context.waitForEvent('console', { predicate: (message) => message.text().includes('[csp-violation]'), timeout: TIMEOUT });
      await open(page, stack, ADMIN_PATH);
      await blocked;
      await expect(async () => stack.expectNoCspViolations()).rejects.toThrow(/style-src/);
    } finally {
      await context.close();
    }
  });
});
