import AxeBuilder from '@axe-core/playwright';
import type { Frame, Page } from 'playwright-core';
import { ADMIN_PATH, app, BrowserStack, open, screenshot, SETTINGS_PATH } from './stack';

/** Keyboard-only use and automated accessibility checks (axe) of every page, in real Chromium. */
jest.setTimeout(180_000);

let stack: BrowserStack;
beforeAll(async () => {
  stack = await BrowserStack.start();
});
// Every page runs under Forge's CSP (the simulated Jira serves it): any violation fails the test.
afterEach(() => stack?.expectNoCspViolations());
afterAll(async () => {
  await stack?.stop();
});

const appFrame = async (page: Page, name: 'admin' | 'settings' | 'panel'): Promise<Frame> => {
  for (let i = 0; i < 100; i += 1) {
    const frame = page.frames().find((f) => f.url().includes(`/app/${name}/`));
    if (frame) return frame;
    await page.waitForTimeout(100);
  }
  throw new Error(`no ${name} frame`);
};

/** What has the keyboard focus inside the app's iframe (empty when focus is elsewhere). */
const focused = (frame: Frame): Promise<string> =>
  frame.evaluate(() => {
    const doc = (globalThis as unknown as { document: { activeElement: { tagName: string; id: string; textContent: string | null; getAttribute(n: string): string | null } | null; hasFocus(): boolean } }).document;
    const el = doc.activeElement;
    if (!el || !doc.hasFocus()) return '';
    return `${el.tagName.toLowerCase()}#${el.id}|${el.getAttribute('aria-label') ?? ''}|${(el.textContent ?? '').trim()}`;
  });

/** Presses Tab until the focused element matches; fails after `max` presses. */
const tabTo = async (page: Page, frame: Frame, matches: (description: string) => boolean, max = 80): Promise<string> => {
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press('Tab');
    const description = await focused(frame);
    if (matches(description)) return description;
  }
  throw new Error(`Tab never reached the element (last: ${await focused(frame)})`);
};

describe('keyboard only', () => {
  it('the whole admin story with Tab, Enter, Space and typing', async () => {
    const { page } = await stack.signIn('demo-admin');
    await open(page, stack, ADMIN_PATH);
    const frame = await appFrame(page, 'admin');
    await frame.waitForSelector('h1');
    await frame.waitForSelector('text=No integrations yet');

    await tabTo(page, frame, (d) => d.startsWith('button#') && d.endsWith('|Add integration'));
    await page.keyboard.press('Enter');
    await tabTo(page, frame, (d) => d.startsWith('input#provider'));
    await page.keyboard.type('GitHub');
    await page.keyboard.press('Enter');
    await tabTo(page, frame, (d) => d.startsWith('input#name'));
    await page.keyboard.type('GitHub by keyboard');
    await tabTo(page, frame, (d) => d.startsWith('input#serviceCredential.token'));
    const token = (stack.world('github').integrationBody('x', false).serviceCredential as { token: string }).token;
    await page.keyboard.type(token);
    await tabTo(page, frame, (d) => d.startsWith('button#') && d.endsWith('|Add integration'));
    await page.keyboard.press('Enter');
    await frame.waitForSelector('#integration-form-title:has-text("Edit GitHub by keyboard")');

    await tabTo(page, frame, (d) => d.startsWith('input#requireUserPat'));
    await page.keyboard.press('Space');
    await tabTo(page, frame, (d) => d.endsWith('|Update'));
    await page.keyboard.press('Enter');
    await frame.waitForSelector('[data-testid^="row-policy-"][data-required="true"]');

    const list = await stack.harness.call('GET', '/api/admin/integrations', { as: { site: stack.site, accountId: 'demo-admin' } });
    expect(list.body.integrations).toEqual([expect.objectContaining({ name: 'GitHub by keyboard', provider: 'github', requireUserPat: true })]);
  });
});

describe('axe: no serious or critical violations', () => {
  const check = async (page: Page, withApp = true): Promise<void> => {
    const results = await new AxeBuilder({ page }).analyze();
    // axe went into the app's iframe too (a node target of [iframe, element]).
    if (withApp) expect(results.passes.some((rule) => rule.nodes.some((node) => node.target.length > 1))).toBe(true);
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    const summary = bad.map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`).join('\n');
    expect(summary).toBe('');
  };

  it('the simulated Jira home page', async () => {
    const { page } = await stack.signIn('demo-user');
    await page.goto(`${stack.url}/`);
    await page.waitForSelector('h1:has-text("Your work")');
    await check(page, false);
    await screenshot(page, 'simulated-jira');
  });

  it('Manage Git repositories, with the add form open', async () => {
    const { page } = await stack.signIn('demo-admin');
    const frame = await open(page, stack, ADMIN_PATH);
    await frame.getByRole('button', { name: 'Edit GitHub by keyboard' }).waitFor();
    await frame.getByRole('button', { name: 'Add integration' }).first().click();
    await frame.locator('form').getByRole('button', { name: 'Add integration' }).click();
    await frame.locator('#name-error').waitFor();
    await check(page);
    await frame.getByRole('button', { name: 'Cancel' }).click();
    await frame.getByRole('button', { name: 'Edit GitHub by keyboard' }).click();
    await frame.locator('#integration-form-title').filter({ hasText: 'Edit' }).waitFor();
    await check(page);
  });

  it('Personal settings, with every kind of integration', async () => {
    await stack.createIntegration('codecommit', 'CodeCommit', false);
    await stack.createIntegration('tfs 2015', 'TFS 2015', true);
    await stack.createIntegration('azure-devops', 'Azure DevOps', true);
    const { page } = await stack.signIn('demo-user');
    const frame = await open(page, stack, SETTINGS_PATH);
    await frame.getByRole('heading', { name: 'TFS 2015' }).waitFor();
    await check(page);
    await screenshot(page, 'personal-settings');
  });

  it('the issue view with the panel: setup required, then ready with the branch form open', async () => {
    const integrationId = await stack.createIntegration('github', 'GitHub panel', true);
    const { page } = await stack.signIn('demo-user');
    await page.goto(`${stack.url}/browse/DEMO-1`);
    const frame = app(page);
    await frame.locator('#integration').fill('GitHub panel');
    await frame.locator('#integration').press('Enter');
    await frame.getByTestId('setup-required').waitFor();
    await check(page);
    const { body } = stack.world('github').userToken('uma-axe');
    expect((await stack.harness.call('PUT', `/api/me/tokens/${integrationId}`, { as: { site: stack.site, accountId: 'demo-user' }, body })).status).toBe(200);
    await page.reload();
    await frame.locator('#integration').fill('GitHub panel');
    await frame.locator('#integration').press('Enter');
    await frame.locator('#repository').fill('acme/web');
    await frame.locator('#repository').press('Enter');
    await frame.getByTestId('acts-as').waitFor();
    await frame.getByRole('button', { name: 'Create branch' }).first().click();
    await frame.locator('#branchName').waitFor();
    await check(page);
  });
});

describe('keyboard only, the issue panel', () => {
  it('creates a branch with Tab, Enter and typing', async () => {
    const { page } = await stack.signIn('demo-user');
    await page.goto(`${stack.url}/browse/DEMO-1`);
    const frame = await appFrame(page, 'panel');
    await frame.waitForSelector('#integration');
    await tabTo(page, frame, (d) => d.startsWith('input#integration'));
    await page.keyboard.type('GitHub panel');
    await page.keyboard.press('Enter');
    await tabTo(page, frame, (d) => d.startsWith('input#repository'));
    await page.keyboard.type('acme/web');
    await page.keyboard.press('Enter');
    await frame.waitForSelector('[data-testid="acts-as"]');
    await tabTo(page, frame, (d) => d.endsWith('|Create branch'));
    await page.keyboard.press('Enter');
    await tabTo(page, frame, (d) => d.startsWith('input#fromRef'));
    await page.keyboard.type('main');
    await page.keyboard.press('Enter');
    // The first "Create branch" after the From picker is the form's submit button.
    await tabTo(page, frame, (d) => d.endsWith('|Create branch'));
    await page.keyboard.press('Enter');
    await frame.waitForSelector('[data-testid="action-result"]:has-text("Branch DEMO-1-fix-login-timeout created")');
    expect(stack.world('github').branchAuthor('DEMO-1-fix-login-timeout')).toBe('uma-axe');
  });
});
