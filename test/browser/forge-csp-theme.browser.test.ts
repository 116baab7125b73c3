import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ADMIN_PATH, BrowserStack, open, screenshot } from './stack';

/**
 * The pages as Forge runs them: under the Content-Security-Policy Forge sends for our manifest, and
 * themed by Jira once they call view.theme.enable(). The CSP check of every other browser test is
 * shown to be able to fail: a <style> added at run time (what emotion-styled components do) is
 * blocked and reported under our manifest, and allowed only where a manifest declares
 * `permissions.content.styles: [unsafe-inline]`.
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

  it('serves every page with a CSP that allows no inline or remote script or style', async () => {
    for (const page of ['admin', 'settings', 'panel']) {
      const response = await fetch(`${stack.url}/app/${page}/index.html`);
      const directives = new Map(String(response.headers.get('content-security-policy')).split('; ').map((d) => [d.split(' ')[0], d] as const));
      expect(directives.get('style-src')).toMatch(/^style-src 'self' /);
      expect(directives.get('style-src')).not.toContain('unsafe');
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

/** Adds a <style> element to the admin page at run time, as an emotion-styled component would. */
const addStyleAtRunTime = async (page: Page): Promise<void> => {
  const frame = page.frame({ url: /\/app\/admin\/index\.html/ });
  await frame!.evaluate(() => {
    const doc = (globalThis as unknown as { document: { createElement(t: string): { textContent: string }; head: { appendChild(n: unknown): void } } }).document;
    const style = doc.createElement('style');
    style.textContent = 'h1 { letter-spacing: 0.01em; }';
    doc.head.appendChild(style);
  });
};

describe('the CSP check can fail', () => {
  let stack: BrowserStack;
  let relaxed: BrowserStack;
  let dir: string;
  beforeAll(async () => {
    stack = await BrowserStack.start();
    dir = mkdtempSync(join(tmpdir(), 'patgate-csp-'));
    const manifest = readFileSync(join(__dirname, '../../jira-app/manifest.yml'), 'utf8').replace(/\npermissions:\n/, '\npermissions:\n  content:\n    styles:\n      - unsafe-inline\n');
    writeFileSync(join(dir, 'manifest.yml'), manifest);
    relaxed = await BrowserStack.start({ manifestPath: join(dir, 'manifest.yml') });
  });
  afterAll(async () => {
    await stack?.stop();
    await relaxed?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a <style> added at run time is blocked under our manifest, and the stack reports it', async () => {
    const { context, page } = await stack.signIn('demo-admin');
    try {
      const frame = await open(page, stack, ADMIN_PATH);
      await frame.locator('h1').first().waitFor({ timeout: TIMEOUT });
      const blocked = context.waitForEvent('console', { predicate: (message) => message.text().includes('[csp-violation]'), timeout: TIMEOUT });
      await addStyleAtRunTime(page);
      await blocked;
      expect(() => stack.expectNoCspViolations()).toThrow(/style-src/);
    } finally {
      await context.close();
    }
  });

  it('the same <style> is allowed where a manifest declares permissions.content.styles: unsafe-inline', async () => {
    const { context, page } = await relaxed.signIn('demo-admin');
    try {
      const frame = await open(page, relaxed, ADMIN_PATH);
      await frame.locator('h1').first().waitFor({ timeout: TIMEOUT });
      await addStyleAtRunTime(page);
      // Applied, not blocked: the heading's computed style changed, and nothing was reported.
      await frame.locator('h1').first().evaluate((h1) => {
        const view = globalThis as unknown as { getComputedStyle(e: unknown): { letterSpacing: string } };
        if (view.getComputedStyle(h1).letterSpacing === 'normal') throw new Error('the <style> was not applied');
      });
      relaxed.expectNoCspViolations();
    } finally {
      await context.close();
    }
  });
});
