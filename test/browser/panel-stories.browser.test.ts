import AxeBuilder from '@axe-core/playwright';
import type { Frame, Page } from 'playwright-core';
import { createJiraSite, DEFAULT_ISSUE } from '../../local/jira-site/jira-site';
import { BrowserStack, open, screenshot } from './stack';

/**
 * Issue 22's panel stories in real Chromium, keyboard only (Tab, typing, Enter), with axe and with
 * where the focus goes after each step: a "Not required" override for a user with no token, no
 * permission said on open, and the issue's branches and pull requests listed with a PR's number.
 */
jest.setTimeout(240_000);

let stack: BrowserStack;
beforeAll(async () => {
  stack = await BrowserStack.start();
  // A project where demo-user has no View Development Tools.
  stack.harness.jira.addIssue(stack.site.clientKey, { key: 'SEC-1', summary: 'Audit the firewall' });
});
// Every page runs under Forge's CSP (the simulated Jira serves it): any violation fails the test.
afterEach(() => stack?.expectNoCspViolations());
afterAll(async () => {
  await stack?.stop();
});

const showIssue = async (key: 'DEMO-1' | 'SEC-1'): Promise<void> => {
  const issue = key === 'DEMO-1' ? DEFAULT_ISSUE : { ...DEFAULT_ISSUE, key, id: '10009', summary: 'Audit the firewall', projectKey: 'SEC', projectName: 'SEC' };
  stack.harness.app.server.setFallback(await createJiraSite({ jira: stack.harness.jira, clientKey: stack.site.clientKey, build: false, issue }));
};

const panelFrame = async (page: Page): Promise<Frame> => {
  for (let i = 0; i < 200; i += 1) {
    const frame = page.frames().find((f) => f.url().includes('/app/panel/'));
    if (frame) return frame;
    await page.waitForTimeout(100);
  }
  throw new Error('no panel frame');
};

/** The focused element in the panel: `testid:…`, `#id`, or `tag|text` (empty when focus is outside the panel). */
const focused = (frame: Frame): Promise<string> =>
  frame.evaluate(() => {
    const doc = (globalThis as unknown as { document: { activeElement: { tagName: string; id: string; textContent: string | null; getAttribute(n: string): string | null } | null; hasFocus(): boolean; body: unknown } }).document;
    const el = doc.activeElement;
    if (!el || !doc.hasFocus() || el === doc.body) return '';
    const testId = el.getAttribute('data-testid');
    if (testId) return `testid:${testId}`;
    if (el.id) return `#${el.id}`;
    return `${el.tagName.toLowerCase()}|${(el.textContent ?? '').trim()}`;
  });

const tabTo = async (page: Page, frame: Frame, matches: (description: string) => boolean, max = 60): Promise<string> => {
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press('Tab');
    const description = await focused(frame);
    if (matches(description)) return description;
  }
  throw new Error(`Tab never reached the element (last: ${await focused(frame)})`);
};

const expectFocus = async (frame: Frame, expected: string): Promise<void> => {
  for (let i = 0; i < 50 && (await focused(frame)) !== expected; i += 1) await frame.waitForTimeout(100);
  expect(await focused(frame)).toBe(expected);
};

const axeClean = async (page: Page): Promise<void> => {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.impact} ${v.id}: ${v.help} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`).join('\n')).toBe('');
};

const apiCallsOf = (page: Page): string[] => {
  const calls: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/')) calls.push(`${request.method()} ${url.pathname}${url.search}`);
  });
  return calls;
};

describe('no permission, said on open', () => {
  it.each([
    ['before any integration exists', false],
    ['with an integration', true],
  ])('%s: one call, "You need View Development Tools in SEC.", nothing to use, nothing else shown', async (_name, withIntegration) => {
    if (withIntegration && ((await stack.harness.call('GET', '/api/admin/integrations', { as: { site: stack.site, accountId: 'demo-admin' } })).body.integrations as unknown[]).length === 0) {
      await stack.createIntegration('github', 'GitHub (acme)', false);
    }
    await showIssue('SEC-1');
    const { page } = await stack.signIn('demo-user');
    const calls = apiCallsOf(page);
    await open(page, stack, '/browse/SEC-1');
    const frame = await panelFrame(page);
    await frame.waitForSelector('[data-testid="not-available"]:has-text("You need View Development Tools in SEC.")');
    expect(calls).toEqual(['GET /api/me/integrations?issueKey=SEC-1']);
    // Nothing of the integrations, repositories or token setup, and nothing the keyboard can reach.
    expect(await frame.locator('input, button, a, [data-testid="setup-required"]').count()).toBe(0);
    expect(await frame.locator('body').innerText()).not.toMatch(/No git integrations|GitHub|Repository|token/i);
    for (let i = 0; i < 8; i += 1) {
      await page.keyboard.press('Tab');
      expect(await focused(frame)).toBe('');
    }
    await axeClean(page);
    await page.context().close();
  });
});

describe('a "Not required" override, for a user with no token', () => {
  let integrationId: string;
  let page: Page;
  let frame: Frame;

  beforeAll(async () => {
    await showIssue('DEMO-1');
    integrationId = await stack.createIntegration('github', 'Acme repositories', true);
    const override = await stack.harness.call('PUT', `/api/admin/integrations/${integrationId}/repositories`, {
      as: { site: stack.site, accountId: 'demo-admin' },
      body: { repositoryId: 'acme/web', requireUserPat: false },
    });
    expect(override.status).toBeLessThan(300);
  });

  it('the picker says the list needs a token but acme/web can be typed; acme/web is ready as the service account', async () => {
    ({ page } = await stack.signIn('demo-user'));
    await open(page, stack, '/browse/DEMO-1');
    frame = await panelFrame(page);
    await frame.waitForSelector('#integration');
    // Choose the override's integration by keyboard.
    await tabTo(page, frame, (d) => d === '#integration');
    await page.keyboard.type('Acme repositories');
    await page.keyboard.press('Enter');
    await tabTo(page, frame, (d) => d === '#repository');
    expect(await frame.locator('[data-testid="setup-required"]').count()).toBe(0);
    await page.keyboard.type('acme/web');
    await frame.waitForSelector('[data-testid="repository-error"]:has-text("You can still type a repository that needs no token of yours, such as acme/web")');
    await page.keyboard.press('Enter');
    await frame.waitForSelector('[data-testid="acts-as"]:has-text("as the integration\'s service account")');
    expect(await frame.locator('[data-testid="setup-required"]').count()).toBe(0);
    await axeClean(page);
  });

  it('Create branch moves focus into the form; the result takes the focus; the branch is the service account\'s', async () => {
    await tabTo(page, frame, (d) => d === 'button|Create branch');
    await page.keyboard.press('Enter');
    await expectFocus(frame, '#branchName');
    expect(await frame.locator('#branchName').inputValue()).toBe('DEMO-1-fix-login-timeout');
    await tabTo(page, frame, (d) => d === 'button|Create branch');
    await page.keyboard.press('Enter');
    await frame.waitForSelector('[data-testid="action-result"]:has-text("Branch DEMO-1-fix-login-timeout created")');
    await expectFocus(frame, 'testid:action-result');
    expect(stack.world('github').branchAuthor('DEMO-1-fix-login-timeout')).toBe('svc-bot');
    await screenshot(page, 'issue-panel-override-ready');
  });

  it('a repository the override does not cover needs setup, for that repository only, and the message takes the focus', async () => {
    await page.reload();
    frame = await panelFrame(page);
    await frame.waitForSelector('#integration');
    await tabTo(page, frame, (d) => d === '#integration');
    await page.keyboard.type('Acme repositories');
    await page.keyboard.press('Enter');
    await tabTo(page, frame, (d) => d === '#repository');
    await page.keyboard.type('acme/api');
    await frame.waitForSelector('text=Use "acme/api"');
    await page.keyboard.press('Enter');
    await frame.waitForSelector('[data-testid="setup-required"]:has-text("Acme/api on Acme repositories requires your own personal access token")');
    await expectFocus(frame, 'testid:setup-required');
    // The picker stays: another repository can still be chosen.
    expect(await frame.locator('#repository').count()).toBe(1);
    await axeClean(page);
    await page.context().close();
  });
});

describe('the issue\'s branches and pull requests', () => {
  it('a PR from the issue\'s branch (preselected) names its number with its link; the list shows patgate\'s and the host\'s with state and who', async () => {
    await showIssue('DEMO-1');
    const world = stack.world('github');
    // Someone on GitHub directly: a branch carrying the key and a merged pull request from it.
    const { secret } = world.userToken('octo');
    const github = stack.hosts.github;
    const onGitHub = async (method: string, path: string, body: unknown): Promise<Record<string, unknown>> => {
      const res = await fetch(`${github.url}${path}`, { method, headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status).toBeLessThan(300);
      return (await res.json()) as Record<string, unknown>;
    };
    await onGitHub('POST', '/repos/acme/web/git/refs', { ref: 'refs/heads/feature/DEMO-1-docs', sha: github.getBranch('acme/web', 'main')?.commitId });
    github.pushCommit('acme/web', 'feature/DEMO-1-docs');
    const merged = await onGitHub('POST', '/repos/acme/web/pulls', { head: 'feature/DEMO-1-docs', base: 'main', title: 'Document the login timeout' });
    github.closePullRequest('acme/web', Number(merged.number), { merged: true });
    world.commitTo('DEMO-1-fix-login-timeout');

    const { page } = await stack.signIn('demo-user');
    await open(page, stack, '/browse/DEMO-1');
    const frame = await panelFrame(page);
    await frame.waitForSelector('#integration');
    await tabTo(page, frame, (d) => d === '#integration');
    await page.keyboard.type('Acme repositories');
    await page.keyboard.press('Enter');
    await tabTo(page, frame, (d) => d === '#repository');
    await page.keyboard.type('acme/web');
    await frame.waitForSelector('[data-testid="repository-error"]');
    await page.keyboard.press('Enter');
    await frame.waitForSelector('[data-testid="acts-as"]');

    await tabTo(page, frame, (d) => d === 'button|Create pull request');
    await page.keyboard.press('Enter');
    await expectFocus(frame, '#sourceBranch');
    const form = frame.locator('form[aria-label="Create pull request"]');
    // The issue's branch is preselected as the source, the default branch as the target.
    expect(await form.innerText()).toContain('DEMO-1-fix-login-timeout');
    expect(await form.innerText()).toContain('main (default)');
    await tabTo(page, frame, (d) => d === 'button|Create pull request');
    await page.keyboard.press('Enter');
    const number = String(merged.number === 1 ? 2 : Number(merged.number) + 1);
    await frame.waitForSelector(`[data-testid="action-result"]:has-text("Pull request #${number} created")`);
    await expectFocus(frame, 'testid:action-result');
    const link = frame.locator('[data-testid="action-result"] a');
    expect(await link.innerText()).toBe(`Open #${number} on the host`);
    expect(await link.getAttribute('href')).toBe(`${github.url}/acme/web/pull/${number}`);

    // Delete branch offers only this issue's branches (not main).
    await tabTo(page, frame, (d) => d === 'button|Delete branch');
    await page.keyboard.press('Enter');
    await expectFocus(frame, '#branchName');
    await page.keyboard.press('ArrowDown');
    const offered = await frame.locator('[id^="react-select"][id*="-option-"]').allInnerTexts();
    expect(offered.sort()).toEqual(['DEMO-1-fix-login-timeout', 'feature/DEMO-1-docs']);
    await page.keyboard.press('Escape');

    await tabTo(page, frame, (d) => d === 'button|Show branches and pull requests');
    await page.keyboard.press('Enter');
    await frame.waitForSelector('[data-testid="development-pull-requests"]');
    await expectFocus(frame, '#on-this-issue');
    const branches = await frame.locator('[data-testid="development-branches"] li').allInnerTexts();
    expect(branches).toEqual(expect.arrayContaining(['DEMO-1-fix-login-timeout in acme/web, by the integration account', 'feature/DEMO-1-docs in acme/web']));
    const pulls = await frame.locator('[data-testid="development-pull-requests"] li').allInnerTexts();
    expect(pulls).toEqual(expect.arrayContaining([`#${number} DEMO-1 Fix login timeout (open, by the integration account)`, `#${String(merged.number)} Document the login timeout (merged, by octo)`]));
    expect(await frame.locator(`[data-testid="development-pull-requests"] a:has-text("#${number}")`).getAttribute('href')).toBe(`${github.url}/acme/web/pull/${number}`);
    await axeClean(page);
    await screenshot(page, 'issue-panel-branches-and-pull-requests');
    // Nothing secret in the page or its storage.
    const stored = await frame.evaluate(() => JSON.stringify({ ...(globalThis as unknown as { localStorage: Record<string, string> }).localStorage, ...(globalThis as unknown as { sessionStorage: Record<string, string> }).sessionStorage }));
    expect(`${await frame.content()}${stored}`).not.toContain(secret);
    await page.context().close();
  });
});
