import AxeBuilder from '@axe-core/playwright';
import type { BrowserContext, FrameLocator, Locator, Page } from 'playwright-core';
import { app, BrowserStack, screenshot } from './stack';

/**
 * Issue 22's last story, in real Chromium: a person with no prior knowledge opens the simulated
 * Jira page, follows "Setup required" → Personal settings → "New token" to the simulated GitHub's
 * token page, signs in there, gets a token, saves it, creates a branch, commits through the
 * simulated GitHub's branch page, opens a pull request, and sees both on the issue's "Web links".
 * The app's pages and the host's pages are used with the keyboard only (focus, type, Enter,
 * Space); axe finds no serious or critical violation on any page the person sees.
 */
jest.setTimeout(240_000);

const TIMEOUT = Number(process.env.BROWSER_TEST_TIMEOUT ?? 20_000);
const PERSON = { login: 'uma', name: 'Uma User' };
const BRANCH = 'DEMO-1-fix-login-timeout';

let stack: BrowserStack;
let integrationId: string;
beforeAll(async () => {
  stack = await BrowserStack.start();
  integrationId = await stack.createIntegration('github', 'GitHub (acme)', true);
  // The person exists on GitHub with push rights and no token: the token comes from the host's page.
  stack.world('github').addPerson(PERSON.login, PERSON.name);
  stack.world('gitlab').addPerson(PERSON.login, PERSON.name);
  stack.world('azure-devops').addPerson(PERSON.login, PERSON.name);
});
afterEach(() => stack?.expectNoCspViolations());
afterAll(async () => {
  await stack?.stop();
});

/** axe over the whole page (the app's iframe included): 0 serious or critical violations. */
const expectAccessible = async (page: Page, where: string): Promise<void> => {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const summary = bad.map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`).join('\n');
  expect(`${where}: ${summary}`).toBe(`${where}: `);
};

/** Keyboard activation: the element gets focus and Enter (links, buttons) or Space (radios, checkboxes) is pressed. */
const press = async (locator: Locator, key: 'Enter' | 'Space' = 'Enter'): Promise<void> => {
  await locator.focus();
  await locator.press(key);
};

/** Types into a field as a person does (focus, then keys). */
const type = async (locator: Locator, text: string): Promise<void> => {
  await locator.focus();
  await locator.press('ControlOrMeta+a');
  await locator.pressSequentially(text);
};

/** Picks a value in one of the app's pickers: type it, Enter. */
const pick = async (frame: FrameLocator, inputId: string, text: string): Promise<void> => {
  await type(frame.locator(`#${inputId}`), text);
  await frame.locator(`#${inputId}`).press('Enter');
};

/** Follows a link that opens in a new tab, by keyboard; the new tab once loaded. */
const openNewTab = async (context: BrowserContext, link: Locator): Promise<Page> => {
  const opened = context.waitForEvent('page');
  await press(link);
  const tab = await opened;
  await tab.waitForLoadState('domcontentloaded');
  tab.setDefaultTimeout(TIMEOUT);
  return tab;
};

/** The id (or name) of what has focus in a page of the host (not inside an iframe). */
const focusedId = (page: Page): Promise<string> =>
  page.evaluate(() => {
    const active = (globalThis as unknown as { document: { activeElement: { id: string; tagName: string } | null } }).document.activeElement;
    return active ? `${active.tagName.toLowerCase()}#${active.id}` : '';
  });

describe('a person with no prior knowledge finishes the demo', () => {
  let context: BrowserContext;
  let jira: Page;
  let frame: FrameLocator;
  let token = '';
  let pullRequestUrl = '';

  it('opens the simulated Jira, finds DEMO-1 and sees "Setup required" with the way to a token', async () => {
    ({ context, page: jira } = await stack.signIn('demo-user'));
    await jira.goto(`${stack.url}/`);
    await press(jira.getByRole('main').getByRole('link', { name: 'DEMO-1 Fix login timeout' }));
    await jira.waitForURL(/\/browse\/DEMO-1$/);
    frame = app(jira);
    await frame.getByTestId('setup-required').waitFor();
    // The issue shows its web links; none yet.
    await jira.locator('#web-links-count').filter({ hasText: 'No web links yet.' }).waitFor();
    await expectAccessible(jira, 'issue, setup required');
  });

  it('goes to Personal settings and follows "New token" to the simulated GitHub, signs in and gets a token', async () => {
    await press(frame.getByRole('button', { name: 'Open Personal settings' }));
    await jira.waitForURL(/patgate-user-settings\?integrationId=/);
    frame = app(jira);
    const newToken = frame.getByTestId(`new-token-${integrationId}`);
    await newToken.waitFor();
    await expectAccessible(jira, 'personal settings');

    const host = await openNewTab(context, newToken);
    // Not signed in on GitHub yet: its sign-in page, which brings the person back to the token page.
    await host.waitForURL(/\/login\?return_to=/);
    expect(host.url()).not.toMatch(/ghp_/);
    await expectAccessible(host, 'GitHub sign-in');
    await press(host.getByRole('radio', { name: `${PERSON.name} (${PERSON.login})` }), 'Space');
    await press(host.getByRole('button', { name: 'Sign in' }));
    await host.waitForURL(/\/settings\/tokens\/new\?scopes=repo/);
    await host.getByRole('heading', { name: 'New personal access token (classic)' }).waitFor();
    // The link asked for `repo`: it is checked, and the note is the app's.
    expect(await host.getByRole('checkbox', { name: /^repo / }).isChecked()).toBe(true);
    expect(await host.getByLabel('Note').inputValue()).toBe('Jira (patgate)');
    await expectAccessible(host, 'GitHub new token');
    await press(host.getByRole('button', { name: 'Generate token' }));
    await host.locator('#new-token').waitFor();
    token = (await host.locator('#new-token').textContent()) ?? '';
    expect(token).toMatch(/^ghp_/);
    expect(await host.locator('#new-token-scopes').textContent()).toBe('repo');
    // Focus moves to the new token's heading; the token is in the page, never in its URL.
    expect(await focusedId(host)).toBe('h2#new-token-heading');
    expect(host.url()).not.toContain(token);
    await expectAccessible(host, 'GitHub token shown');
    await screenshot(host, 'simulated-github-token-page');
    await host.close();
  });

  it('saves the token in Personal settings', async () => {
    await type(frame.locator(`#token-${integrationId}`), token);
    await press(frame.getByRole('button', { name: 'Save token' }));
    await frame.getByTestId(`status-${integrationId}`).filter({ hasText: `valid · ${PERSON.login}` }).waitFor();
    // Nothing of the token is left in the page or its URL.
    expect(await frame.locator('body').innerHTML()).not.toContain(token);
    expect(jira.url()).not.toContain(token);
  });

  it('creates a branch from DEMO-1 as themself, and the issue lists it', async () => {
    await jira.goto(`${stack.url}/browse/DEMO-1`);
    frame = app(jira);
    await pick(frame, 'repository', 'acme/web');
    await frame.getByTestId('acts-as').filter({ hasText: `as ${PERSON.login}, with your token` }).waitFor();
    await press(frame.getByRole('button', { name: 'Create branch' }).first());
    expect(await frame.locator('#branchName').inputValue()).toBe(BRANCH);
    await pick(frame, 'fromRef', 'main');
    await press(frame.locator('form').getByRole('button', { name: 'Create branch' }));
    await frame.getByTestId('action-result').filter({ hasText: `Branch ${BRANCH} created` }).waitFor();
    expect(stack.world('github').branchAuthor(BRANCH)).toBe(PERSON.login);
    await jira.locator('#web-links').getByRole('link', { name: `Branch ${BRANCH} created by ${PERSON.login} (own token)` }).waitFor();
    await expectAccessible(jira, 'issue, branch created');
  });

  it('commits through the simulated GitHub\'s branch page ("Open on the host")', async () => {
    const host = await openNewTab(context, frame.getByTestId('action-result').getByRole('link', { name: 'Open on the host' }));
    await host.getByRole('heading', { name: `Branch ${BRANCH}` }).waitFor();
    const before = await host.locator('#head-commit').textContent();
    await expectAccessible(host, 'GitHub branch');
    await press(host.getByRole('button', { name: 'Commit to this branch' }));
    await host.locator('#commit-result').waitFor();
    const after = await host.locator('#head-commit').textContent();
    expect(after).not.toBe(before);
    expect(await host.locator('#commit-result').textContent()).toBe(`Committed ${String(after).slice(0, 7)} to ${BRANCH}.`);
    expect(await focusedId(host)).toBe('p#commit-result');
    await expectAccessible(host, 'GitHub branch, committed');
    await host.close();
  });

  it('opens a pull request and sees it on the issue\'s web links, linking to the pull request page', async () => {
    await press(frame.getByRole('button', { name: 'Create pull request' }).first());
    await pick(frame, 'targetBranch', 'main');
    await press(frame.locator('form').getByRole('button', { name: 'Create pull request' }));
    await frame.getByTestId('action-result').filter({ hasText: 'Pull request #1 created' }).waitFor();
    expect(stack.world('github').pullRequestAuthors()).toEqual([PERSON.login]);
    // The panel lists it with the branch, as the person made them.
    await press(frame.getByRole('button', { name: 'Show branches and pull requests' }));
    await frame.getByTestId('development-pull-requests').waitFor();
    expect(await frame.getByTestId('development-pull-requests').locator('li').allInnerTexts()).toEqual([`#1 DEMO-1 Fix login timeout (open, by ${PERSON.login} (own token))`]);
    expect(await frame.getByTestId('development-branches').locator('li').allInnerTexts()).toContain(`${BRANCH} in acme/web, by ${PERSON.login} (own token)`);

    const link = jira.locator('#web-links').getByRole('link', { name: /^Pull request 1 "DEMO-1 Fix login timeout" opened by uma \(own token\)$/ });
    await link.waitFor();
    pullRequestUrl = (await link.getAttribute('href')) ?? '';
    expect(pullRequestUrl).toBe(`${stack.hosts.github.url}/acme/web/pull/1`);
    await jira.locator('#web-links-count').filter({ hasText: '2 web links' }).waitFor();
    // The Refresh control reads them again and keeps the focus where the person is.
    await press(jira.getByRole('button', { name: 'Refresh web links' }));
    expect(await focusedId(jira)).toBe('button#web-links-refresh');
    await expectAccessible(jira, 'issue, pull request created');
    await screenshot(jira, 'simulated-jira-issue-web-links');
  });

  it('the web link opens the pull request on the simulated GitHub', async () => {
    const host = await context.newPage();
    await host.goto(pullRequestUrl);
    await host.getByRole('heading', { name: /DEMO-1 Fix login timeout/ }).waitFor();
    expect(await host.locator('#pull-state').textContent()).toBe('Open');
    await host.getByText(`${PERSON.login} wants to merge`).waitFor();
    await expectAccessible(host, 'GitHub pull request');
    await host.close();
  });
});

describe('the other hosts\' pages, by keyboard, with axe', () => {
  const cases = [
    {
      host: 'GitLab',
      tokenUrl: (): string => `${stack.hosts.gitlab.url}/-/user_settings/personal_access_tokens?name=Jira%20(patgate)&scopes=api`,
      create: 'Create personal access token',
      scope: /^api /,
      branchUrl: (): string => `${stack.hosts.gitlab.url}/acme/web/-/tree/main`,
    },
    {
      host: 'Azure DevOps',
      tokenUrl: (): string => `${stack.hosts.azure.collectionUrl('/contoso')}/_usersSettings/tokens`,
      create: 'Create',
      scope: 'Code (Read & write)',
      branchUrl: (): string => `${stack.hosts.azure.collectionUrl('/contoso')}/web-project/_git/web?version=GBmain`,
    },
  ];

  it.each(cases)('$host: sign in, a token with the asked scope, a commit on the branch page', async ({ host: name, tokenUrl, create, scope, branchUrl }) => {
    const { context, page } = await stack.signIn('demo-user');
    await page.goto(tokenUrl());
    await expectAccessible(page, `${name} sign-in`);
    await press(page.getByRole('radio', { name: `${PERSON.name} (${PERSON.login})` }), 'Space');
    await press(page.getByRole('button', { name: 'Sign in' }));
    const checkbox = page.getByRole('checkbox', { name: scope });
    await checkbox.waitFor();
    expect(await checkbox.isChecked()).toBe(true);
    await expectAccessible(page, `${name} token form`);
    if (name === 'Azure DevOps') await type(page.getByLabel('Name'), 'Jira (patgate)');
    await press(page.getByRole('button', { name: create, exact: true }));
    await page.locator('#new-token').waitFor();
    expect(await focusedId(page)).toBe('h2#new-token-heading');
    const token = (await page.locator('#new-token').textContent()) ?? '';
    expect(token.length).toBeGreaterThan(20);
    expect(page.url()).not.toContain(token);
    await expectAccessible(page, `${name} token shown`);

    await page.goto(branchUrl());
    const before = await page.locator('#head-commit').textContent();
    await expectAccessible(page, `${name} branch`);
    await press(page.getByRole('button', { name: 'Commit to this branch' }));
    await page.locator('#commit-result').waitFor();
    expect(await page.locator('#head-commit').textContent()).not.toBe(before);
    expect(await focusedId(page)).toBe('p#commit-result');
    await expectAccessible(page, `${name} branch, committed`);
    await context.close();
  });
});
