import AxeBuilder from '@axe-core/playwright';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { ADMIN_PATH, BrowserStack, open, screenshot, SETTINGS_PATH } from './stack';

/**
 * Issue 22's admin and settings stories in real Chromium, driven from the keyboard (focus, typing,
 * Enter, Space), with axe (0 serious/critical) and assertions of where focus lands after each step.
 */
jest.setTimeout(180_000);

const TIMEOUT = Number(process.env.BROWSER_TEST_TIMEOUT ?? 20_000);
const shows = (locator: Locator, text: string | RegExp): Promise<void> => locator.filter({ hasText: text }).first().waitFor({ timeout: TIMEOUT });

let stack: BrowserStack;
beforeAll(async () => {
  stack = await BrowserStack.start();
});
afterEach(() => stack?.expectNoCspViolations());
afterAll(async () => {
  await stack?.stop();
});

const asUser = () => ({ site: stack.site, accountId: 'demo-user' });

/** Waits until the element has the keyboard focus inside the app's iframe (focus moves after the page renders the result). */
const expectFocused = async (locator: Locator): Promise<void> => {
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    const has = await locator.evaluate((node) => node === node.ownerDocument.activeElement).catch(() => false);
    if (has) return;
    if (Date.now() > deadline) {
      const active = await locator.page().frames().at(-1)?.evaluate(() => (globalThis as unknown as { document: { activeElement: { outerHTML: string } | null } }).document.activeElement?.outerHTML.slice(0, 200));
      throw new Error(`focus is not on ${String(locator)} but on ${String(active)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

const axeClean = async (page: Page): Promise<void> => {
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.passes.some((rule) => rule.nodes.some((node) => node.target.length > 1))).toBe(true);
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
};

/** Polls the API until demo-user's token for the integration has the status (a condition, however loaded the machine). */
const untilStatus = async (integrationId: string, status: string, withinMs = 60_000): Promise<void> => {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const mine = await stack.harness.call('GET', '/api/me/integrations', { as: asUser() });
    const current = (mine.body.integrations as { integrationId: string; status: string }[]).find((i) => i.integrationId === integrationId)?.status;
    if (current === status) return;
    if (Date.now() > deadline) throw new Error(`the token is ${String(current)}, never ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};

describe('a non-admin on the admin page', () => {
  it('sees one clear message and nothing else', async () => {
    const { page, context } = await stack.signIn('demo-user');
    const frame = await open(page, stack, ADMIN_PATH);
    await shows(frame.getByTestId('not-admin'), 'Only Jira administrators can manage Git repositories');
    const body = frame.locator('body');
    expect(await body.innerText()).not.toMatch(/Something went wrong|Nothing recorded yet|Audit log|No integrations yet/);
    expect(await frame.getByRole('button').count()).toBe(0);
    expect(await frame.getByRole('table').count()).toBe(0);
    await axeClean(page);
    await screenshot(page, 'admin-not-admin');
    await context.close();
  });
});

describe('an expired token is named the same on both pages', () => {
  it('settings and the issue panel both say it expired, although the host refused it before it did', async () => {
    const integrationId = await stack.createIntegration('github', 'GitHub (expiring)', true);
    const github = stack.world('github');
    // Long enough for the save and one action on a loaded machine.
    const { secret } = github.userToken('uma-late', { expiresAt: new Date(Date.now() + 10_000) });
    expect((await stack.harness.call('PUT', `/api/me/tokens/${integrationId}`, { as: asUser(), body: { token: secret } })).status).toBe(200);
    // The host stops accepting it a moment before patgate's date (revoked, or the host's clock ahead): an action marks it invalid.
    github.revoke(secret);
    const refused = await stack.harness.call('POST', '/api/git/branches', {
      as: asUser(),
      body: { integrationId, repositoryId: github.repositoryId, issueKey: 'DEMO-1', branchName: 'DEMO-1-late', fromRef: github.defaultBranch },
    });
    expect(refused.body.code).toBe('PAT_INVALID');
    // Then its date passes: it has expired, and every page says so.
    await untilStatus(integrationId, 'expired', 30_000);

    const { page, context } = await stack.signIn('demo-user');
    let frame: FrameLocator = await open(page, stack, SETTINGS_PATH);
    await shows(frame.getByTestId(`status-${integrationId}`), /^expired · uma-late$/);
    await shows(frame.getByTestId(`integration-${integrationId}`), 'Your personal access token has expired');
    await axeClean(page);

    frame = await open(page, stack, '/browse/DEMO-1');
    await shows(frame.getByTestId('setup-required'), 'Your personal access token has expired');
    await context.close();
  });
});

describe('focus after Save token, a refusal, and Remove (settings)', () => {
  it('moves focus to the result message or the field in error', async () => {
    const integrationId = await stack.createIntegration('github', 'GitHub (focus)', false);
    const { page, context } = await stack.signIn('demo-user');
    const frame = await open(page, stack, SETTINGS_PATH);
    const card = frame.getByTestId(`integration-${integrationId}`);
    await shows(frame.getByTestId(`status-${integrationId}`), 'missing');
    const field = frame.locator(`#token-${integrationId}`);

    // Save token: typed, Enter; focus lands on the confirmation, which names what was saved.
    const { secret } = stack.world('github').userToken('uma-focus');
    await field.focus();
    await page.keyboard.type(secret);
    await page.keyboard.press('Enter');
    const notice = frame.locator(`#notice-${integrationId}`);
    await shows(notice, `Saved: your token ending …${secret.slice(-4)}`);
    await expectFocused(notice);

    // Optional while a valid token is saved: Enter on an empty field keeps it and says so.
    await field.focus();
    await page.keyboard.press('Enter');
    await shows(notice, 'Nothing to save');
    await expectFocused(notice);
    await shows(frame.getByTestId(`status-${integrationId}`), 'valid · uma-focus');

    // A refusal by the host: focus on the field in error.
    await field.focus();
    await page.keyboard.type('ghp_thisisnotatokenthehostknows');
    await page.keyboard.press('Enter');
    await shows(frame.locator(`#token-${integrationId}-error`), 'did not accept this token');
    await expectFocused(field);
    // A refusal by the page's own check: the same.
    await field.fill('');
    await field.focus();
    await page.keyboard.type('short');
    await page.keyboard.press('Enter');
    await shows(frame.locator(`#token-${integrationId}-error`), 'at least 8 characters');
    await expectFocused(field);
    await field.fill('');

    // The details list: each term on its value's line.
    const rows = await frame.getByTestId(`details-${integrationId}`).evaluate((dl) => {
      const boxes = [...dl.children].map((child) => child.getBoundingClientRect());
      const pairs: [number, number][] = [];
      for (let i = 0; i + 1 < boxes.length; i += 2) pairs.push([Math.round(boxes[i]?.top ?? 0), Math.round(boxes[i + 1]?.top ?? 0)]);
      return pairs;
    });
    expect(rows.length).toBe(4);
    for (const [termTop, valueTop] of rows) expect(Math.abs(termTop - valueTop)).toBeLessThanOrEqual(2);

    // Remove: Enter on Remove, then on Remove token; focus on the message saying it is gone.
    await card.getByRole('button', { name: 'Remove', exact: true }).focus();
    await page.keyboard.press('Enter');
    await card.getByRole('button', { name: 'Remove token' }).focus();
    await page.keyboard.press('Enter');
    await shows(notice, 'Your token was removed');
    await expectFocused(notice);
    await shows(frame.getByTestId(`status-${integrationId}`), 'missing');
    await axeClean(page);
    await screenshot(page, 'personal-settings-removed');
    await context.close();
  });
});

describe('the admin sets branch naming and a default source branch; Update confirms; the audit says what changed', () => {
  it('from the keyboard, with focus on each result', async () => {
    const integrationId = await stack.createIntegration('github', 'GitHub (naming)', false);
    const { page, context } = await stack.signIn('demo-admin');
    // A deep link opens its card, scrolled into view, its heading focused.
    const frame = await open(page, stack, `${ADMIN_PATH}?integrationId=${integrationId}`);
    const title = frame.locator('#integration-form-title');
    await shows(title, 'Edit GitHub (naming)');
    await expectFocused(title);
    const box = await title.boundingBox();
    expect(box && box.y >= 0 && box.y < 900).toBe(true);

    // Update refused by the page: focus on the field in error.
    await frame.locator('#branchNaming\\.template').focus();
    await page.keyboard.type('feature/{summary}');
    await frame.getByRole('button', { name: 'Update' }).focus();
    await page.keyboard.press('Enter');
    await shows(frame.locator('#branchNaming\\.template-error'), '{issueKey}');
    await expectFocused(frame.locator('#branchNaming\\.template'));

    // Template, prefixes and Require User PAT; Update confirms what was saved, with focus on it.
    await frame.locator('#branchNaming\\.template').fill('');
    await frame.locator('#branchNaming\\.template').focus();
    await page.keyboard.type('{issueType}/{issueKey}-{summary}');
    await frame.locator('#branchNaming\\.issueTypePrefixes').focus();
    await page.keyboard.type('Bug: bugfix, Story: feature');
    await frame.getByRole('checkbox', { name: 'Require User PAT' }).focus();
    await page.keyboard.press('Space');
    await frame.getByRole('button', { name: 'Update' }).focus();
    await page.keyboard.press('Enter');
    const result = frame.getByTestId('save-result');
    await shows(result, 'Updated GitHub (naming)');
    await shows(result, 'Require User PAT: off → on');
    await shows(result, 'Branch names: default → {issueType}/{issueKey}-{summary} (Bug → bugfix, Story → feature)');
    await expectFocused(frame.locator('#save-result'));

    // A repository override with its default source branch; Azure DevOps-style names are the host's, GitHub's owner/name here.
    expect(await frame.locator('#override-repository').getAttribute('placeholder')).toBe('owner/name');
    await frame.locator('#override-repository').focus();
    await page.keyboard.type('acme/web');
    await frame.locator('#override-choice').focus();
    await page.keyboard.type('Not required');
    await page.keyboard.press('Enter');
    await frame.locator('#override-source-branch').focus();
    await page.keyboard.type('dev..elop');
    await page.keyboard.press('Enter');
    await shows(frame.locator('#override-source-branch-error'), '..');
    await expectFocused(frame.locator('#override-source-branch'));
    await frame.locator('#override-source-branch').fill('');
    await frame.locator('#override-source-branch').focus();
    await page.keyboard.type('develop');
    await page.keyboard.press('Enter');
    await shows(frame.getByTestId('override-result'), 'Saved: acme/web is not required, starting branches from develop.');
    await expectFocused(frame.locator('#override-result'));
    await shows(frame.getByTestId('override-branch-acme/web'), 'develop');

    // The audit log renders what changed, as the API stored it.
    const audit = frame.locator('section[aria-labelledby="audit-title"]');
    await shows(audit, 'override acme/web: inherit → not required');
    await shows(audit, 'override acme/web default source branch: the host\'s default → develop');
    await shows(audit, 'Require User PAT: off → on');
    await axeClean(page);
    await screenshot(page, 'admin-branch-naming');

    // What users get: the template in their list, the branch to start from in readiness.
    const mine = await stack.harness.call('GET', '/api/me/integrations', { as: asUser() });
    expect((mine.body.integrations as Record<string, unknown>[]).find((i) => i.integrationId === integrationId)).toMatchObject({
      branchNaming: { template: '{issueType}/{issueKey}-{summary}', issueTypePrefixes: { Bug: 'bugfix', Story: 'feature' } },
    });
    const ready = await stack.harness.call('GET', '/api/issues/DEMO-1/git-readiness', { as: asUser(), query: { integrationId, repositoryId: 'acme/web' } });
    expect(ready.body).toMatchObject({ status: 'ready', actedAs: { credential: 'service-account' }, defaultSourceBranch: 'develop' });
    await context.close();
  });

  it('an Azure DevOps integration asks for project/repository', async () => {
    const integrationId = await stack.createIntegration('azure-devops', 'Azure DevOps (words)', false);
    const { page, context } = await stack.signIn('demo-admin');
    const frame = await open(page, stack, `${ADMIN_PATH}?integrationId=${integrationId}`);
    await shows(frame.locator('#integration-form-title'), 'Edit Azure DevOps (words)');
    expect(await frame.locator('#override-repository').getAttribute('placeholder')).toBe('project/repository');
    await shows(frame.locator('#override-repository-helper'), 'project/repository');
    await context.close();
  });
});
