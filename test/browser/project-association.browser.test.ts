import type { Locator } from 'playwright-core';
import { createJiraSite, DEFAULT_ISSUE } from '../../local/jira-site/jira-site';
import { ADMIN_PATH, BrowserStack, open, screenshot } from './stack';

/**
 * Issue 21's story in real Chromium: the admin limits GitHub (acme) to DEMO in Manage Git
 * repositories; a user on an OPS issue sees at once, from the panel's one call on open, that it is
 * not available there; on DEMO-1 the story still works (the repository picker lists as before).
 */
jest.setTimeout(180_000);

const TIMEOUT = Number(process.env.BROWSER_TEST_TIMEOUT ?? 20_000);
const shows = (locator: Locator, text: string | RegExp): Promise<void> => locator.filter({ hasText: text }).first().waitFor({ timeout: TIMEOUT });

let stack: BrowserStack;
let githubId: string;
beforeAll(async () => {
  stack = await BrowserStack.start();
  stack.harness.jira.addIssue(stack.site.clientKey, { key: 'OPS-1', summary: 'Rotate the on-call pager' });
  stack.harness.jira.grant(stack.site.clientKey, 'demo-user', 'VIEW_DEV_TOOLS', 'OPS');
  // A project where demo-user has no permission (a separate project: permission answers are cached a minute).
  stack.harness.jira.addIssue(stack.site.clientKey, { key: 'SEC-1', summary: 'Audit the firewall' });
  githubId = await stack.createIntegration('github', 'GitHub (acme)', false);
});
afterAll(async () => {
  await stack?.stop();
});

const showIssue = async (key: 'DEMO-1' | 'OPS-1' | 'SEC-1'): Promise<void> => {
  const projectKey = key.split('-')[0] ?? 'DEMO';
  const issue = key === 'DEMO-1' ? DEFAULT_ISSUE : { ...DEFAULT_ISSUE, key, id: '10002', summary: `An issue of ${projectKey}`, projectKey, projectName: projectKey };
  stack.harness.app.server.setFallback(await createJiraSite({ jira: stack.harness.jira, clientKey: stack.site.clientKey, build: false, issue }));
};

describe('project association', () => {
  it('the admin limits GitHub (acme) to DEMO; the table shows it', async () => {
    await showIssue('DEMO-1');
    const { page } = await stack.signIn('demo-admin');
    const frame = await open(page, stack, ADMIN_PATH);
    await shows(frame.getByTestId(`row-projects-${githubId}`), 'Projects: all');
    await frame.getByRole('button', { name: 'Edit GitHub (acme)' }).click();
    await frame.locator('#projectScope').fill('Only these');
    await frame.locator('#projectScope').press('Enter');
    // The list comes from Jira's project search through the API.
    await frame.locator('#projects').fill('DEMO');
    await shows(frame.locator('[id^="react-select"][id*="-option-"]'), 'DEMO (Project DEMO)');
    await frame.locator('#projects').press('Enter');
    await frame.getByRole('button', { name: 'Update' }).click();
    await shows(frame.getByTestId(`row-projects-${githubId}`), 'Projects: DEMO');
    await screenshot(page, 'admin-projects-limited');
    await page.context().close();
  });

  it('a user on an OPS issue sees at once, with one API call, that it is not available there', async () => {
    await showIssue('OPS-1');
    const { page } = await stack.signIn('demo-user');
    const apiCalls: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/api/')) apiCalls.push(`${request.method()} ${url.pathname}${url.search}`);
    });
    const before = stack.hosts.github.requests.length;
    const frame = await open(page, stack, '/browse/OPS-1');
    await shows(frame.getByTestId('not-available'), 'GitHub (acme) is not available in OPS');
    expect(apiCalls).toEqual(['GET /api/me/integrations?issueKey=OPS-1']);
    expect(await frame.locator('#repository').count()).toBe(0);
    expect(stack.hosts.github.requests.length).toBe(before);
    await screenshot(page, 'issue-panel-not-available');
    await page.context().close();
  });

  it('without View Development Tools in the project, the panel says so at once', async () => {
    await showIssue('SEC-1');
    const { page } = await stack.signIn('demo-user');
    const frame = await open(page, stack, '/browse/SEC-1');
    await shows(frame.getByTestId('not-available'), 'You need View Development Tools in SEC.');
    await page.context().close();
  });

  it('the DEMO story still works: the picker lists the repositories and readiness acts as the service account', async () => {
    await showIssue('DEMO-1');
    const { page } = await stack.signIn('demo-user');
    const frame = await open(page, stack, '/browse/DEMO-1');
    await frame.locator('#repository').click();
    await shows(frame.locator('[id^="react-select"][id*="-option-"]'), 'acme/web');
    await frame.locator('#repository').fill('acme/web');
    await frame.locator('#repository').press('Enter');
    await shows(frame.locator('body'), /service account|integration account|acts as/i);
    expect(await frame.getByTestId('not-available').count()).toBe(0);
    await page.context().close();
  });
});
