import type { FrameLocator, Locator, Page } from 'playwright-core';
import { BrowserStack, open, screenshot } from './stack';

/**
 * Issue 13's story in real Chromium: the admin requires user PATs; the user opens DEMO-1, sees setup
 * required, saves a PAT in Personal settings, comes back and creates a branch and a pull request as
 * themself. The repository and branches are typed into the pickers, which also list what the
 * pickers API answers when it is there.
 */
jest.setTimeout(180_000);

const TIMEOUT = Number(process.env.BROWSER_TEST_TIMEOUT ?? 20_000);
const shows = (locator: Locator, text: string | RegExp): Promise<void> => locator.filter({ hasText: text }).first().waitFor({ timeout: TIMEOUT });

let stack: BrowserStack;
let githubId: string;
beforeAll(async () => {
  stack = await BrowserStack.start();
  githubId = await stack.createIntegration('github', 'GitHub (acme)', false);
  const required = await stack.harness.call('PATCH', `/api/admin/integrations/${githubId}`, {
    as: { site: stack.site, accountId: 'demo-admin' },
    headers: { 'if-match': '"1"' },
    body: { requireUserPat: true },
  });
  expect(required.status).toBe(200);
});
// Every page runs under Forge's CSP (the simulated Jira serves it): any violation fails the test.
afterEach(() => stack?.expectNoCspViolations());
afterAll(async () => {
  await stack?.stop();
});

const pick = async (frame: FrameLocator, inputId: string, text: string): Promise<void> => {
  await frame.locator(`#${inputId}`).fill(text);
  await frame.locator(`#${inputId}`).press('Enter');
};

const branchAudits = async (): Promise<Record<string, unknown>[]> => {
  const audit = await stack.harness.call('GET', '/api/admin/audit', { as: { site: stack.site, accountId: 'demo-admin' }, query: { limit: '100' } });
  return (audit.body.entries as Record<string, unknown>[]).filter((e) => String(e.action).includes('branch'));
};

describe('the issue panel', () => {
  let page: Page;
  let frame: FrameLocator;
  let secret: string;
  const login = 'uma-panel';

  it('opens DEMO-1 with one API call and shows setup required with both links', async () => {
    ({ page } = await stack.signIn('demo-user'));
    const apiCalls: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/api/')) apiCalls.push(`${request.method()} ${url.pathname}`);
    });
    frame = await open(page, stack, '/browse/DEMO-1');
    await shows(frame.getByTestId('setup-required'), 'Setup required');
    expect(apiCalls).toEqual(['GET /api/me/integrations']);
    expect(await frame.getByTestId('panel-new-token').getAttribute('href')).toBe(`${stack.hosts.github.url}/settings/tokens/new?scopes=repo&description=Jira%20(patgate)`);
    await screenshot(page, 'issue-panel-setup-required');
  });

  it('follows the link to Personal settings (that integration focused) and saves a PAT', async () => {
    await frame.getByRole('button', { name: 'Open Personal settings' }).click();
    await page.waitForURL(/patgate-user-settings\?integrationId=/);
    const section = frame.getByTestId(`integration-${githubId}`);
    await section.waitFor({ timeout: TIMEOUT });
    expect(await section.getAttribute('data-focused')).toBe('true');
    secret = stack.world('github').userToken(login).secret;
    await frame.locator(`#token-${githubId}`).fill(secret);
    await frame.getByRole('button', { name: 'Save token' }).click();
    await shows(frame.getByTestId(`status-${githubId}`), `valid · ${login}`);
  });

  it('comes back, creates a branch named after the issue, as themself', async () => {
    frame = await open(page, stack, '/browse/DEMO-1');
    await pick(frame, 'repository', 'acme/web');
    await shows(frame.getByTestId('acts-as'), `as ${login}, with your token`);
    await frame.getByRole('button', { name: 'Create branch' }).first().click();
    expect(await frame.locator('#branchName').inputValue()).toBe('DEMO-1-fix-login-timeout');
    await pick(frame, 'fromRef', 'main');
    await frame.locator('form').getByRole('button', { name: 'Create branch' }).click();
    await shows(frame.getByTestId('action-result'), 'Branch DEMO-1-fix-login-timeout created');
    expect(await frame.getByTestId('action-result').getByRole('link', { name: 'Open on the host' }).getAttribute('href')).toContain('DEMO-1-fix-login-timeout');
    expect(stack.world('github').branchAuthor('DEMO-1-fix-login-timeout')).toBe(login);
    await screenshot(page, 'issue-panel-branch-created');
  });

  it('opens a pull request from that branch', async () => {
    stack.world('github').commitTo('DEMO-1-fix-login-timeout');
    await frame.getByRole('button', { name: 'Create pull request' }).first().click();
    await pick(frame, 'targetBranch', 'main');
    expect(await frame.locator('#title').inputValue()).toBe('DEMO-1 Fix login timeout');
    await frame.locator('form').getByRole('button', { name: 'Create pull request' }).click();
    // The success message names the pull request's number (issue 22).
    await shows(frame.getByTestId('action-result'), /Pull request #\d+ created/);
    expect(stack.world('github').pullRequestAuthors()).toContain(login);
  });

  it('a double click creates one branch', async () => {
    await frame.getByRole('button', { name: 'Create branch' }).first().click();
    await frame.getByRole('button', { name: 'Create pull request' }).first().click();
    await frame.getByRole('button', { name: 'Create branch' }).first().click();
    await frame.locator('#branchName').fill('DEMO-1-double-click');
    await pick(frame, 'fromRef', 'main');
    const before = (await branchAudits()).length;
    await frame.locator('form').getByRole('button', { name: 'Create branch' }).dblclick();
    await shows(frame.getByTestId('action-result'), 'Branch DEMO-1-double-click created');
    await page.waitForTimeout(500);
    const created = (await branchAudits()).slice(0, (await branchAudits()).length - before);
    expect(created.filter((e) => e.outcome === 'success')).toHaveLength(1);
    expect(stack.world('github').branchAuthor('DEMO-1-double-click')).toBe(login);
  });

  it('a token revoked on the host between readiness and action lands in the setup state, with nothing created', async () => {
    frame = await open(page, stack, '/browse/DEMO-1');
    await pick(frame, 'repository', 'acme/web');
    await shows(frame.getByTestId('acts-as'), `as ${login}`);
    stack.world('github').revoke(secret);
    await frame.getByRole('button', { name: 'Create branch' }).first().click();
    await frame.locator('#branchName').fill('DEMO-1-after-revoke');
    await pick(frame, 'fromRef', 'main');
    await frame.locator('form').getByRole('button', { name: 'Create branch' }).click();
    await shows(frame.getByTestId('setup-required'), 'no longer accepts your token');
    expect(stack.world('github').branchAuthor('DEMO-1-after-revoke')).toBeUndefined();
  });

  it('TFS 2015 with the policy on says actions are unavailable', async () => {
    await stack.createIntegration('tfs 2015', 'TFS 2015', true);
    frame = await open(page, stack, '/browse/DEMO-1');
    await pick(frame, 'integration', 'TFS 2015');
    await shows(frame.getByTestId('setup-required'), 'Branch and pull-request actions are unavailable');
    expect(await frame.getByTestId('panel-new-token').count()).toBe(0);
  });
});

describe.each([
  ['github-enterprise', 'GHE story'],
  ['gitlab-self-managed', 'GitLab SM story'],
  ['tfs 2019', 'Azure DevOps Server 2019 story'],
  ['codecommit', 'CodeCommit story'],
])('the same story on %s', (kind, name) => {
  it('user saves a PAT, then creates a branch and a pull request as themself', async () => {
    const world = stack.world(kind);
    const id = await stack.createIntegration(kind, name, true);
    const login = `uma-${kind.replace(/[^a-z0-9]/g, '')}`;
    const { page } = await stack.signIn('demo-user');

    let frame = await open(page, stack, `/jira/settings/personal/apps/patgate-user-settings?integrationId=${id}`);
    const { body } = world.userToken(login);
    if (kind === 'codecommit') {
      await frame.locator(`#accessKeyId-${id}`).fill(body.accessKeyId ?? '');
      await frame.locator(`#secretAccessKey-${id}`).fill(body.secretAccessKey ?? '');
    } else {
      await frame.locator(`#token-${id}`).fill(body.token ?? '');
    }
    await frame.getByTestId(`integration-${id}`).getByRole('button', { name: 'Save token' }).click();
    await shows(frame.getByTestId(`status-${id}`), 'valid · ');

    frame = await open(page, stack, '/browse/DEMO-1');
    await pick(frame, 'integration', name);
    await pick(frame, 'repository', world.repositoryId);
    await shows(frame.getByTestId('acts-as'), 'with your token');
    const branch = `DEMO-1-${kind.replace(/[^a-z0-9]/g, '')}`;
    await frame.getByRole('button', { name: 'Create branch' }).first().click();
    await frame.locator('#branchName').fill(branch);
    await pick(frame, 'fromRef', world.defaultBranch);
    await frame.locator('form').getByRole('button', { name: 'Create branch' }).click();
    await shows(frame.getByTestId('action-result'), `Branch ${branch} created`);
    expect(String(world.branchAuthor(branch))).toContain(login);

    world.commitTo(branch);
    // GitLab says "merge request" (issue 22); the number is #12 on GitHub, !12 on GitLab and Azure DevOps.
    await frame.getByRole('button', { name: /Create (pull|merge) request/ }).first().click();
    await pick(frame, 'targetBranch', world.defaultBranch);
    await frame.locator('form').getByRole('button', { name: /Create (pull|merge) request/ }).click();
    await shows(frame.getByTestId('action-result'), /(Pull|Merge) request [#!]?\d+ created/);
    expect(world.pullRequestAuthors().join(' ')).toContain(login);
  });
});

describe('errors in place', () => {
  it('rate limited says when to retry; an unavailable host offers Retry; an existing branch says it exists', async () => {
    const world = stack.world('github');
    const { secret } = world.userToken('uma-errors');
    const saved = await stack.harness.call('PUT', `/api/me/tokens/${githubId}`, { as: { site: stack.site, accountId: 'demo-user' }, body: { token: secret } });
    expect(saved.status).toBe(200);
    const { page } = await stack.signIn('demo-user');
    const frame = await open(page, stack, '/browse/DEMO-1');
    await pick(frame, 'integration', 'GitHub (acme)');
    await pick(frame, 'repository', 'acme/web');
    await shows(frame.getByTestId('acts-as'), 'as uma-errors');
    await frame.getByRole('button', { name: 'Create branch' }).first().click();
    await frame.locator('#branchName').fill('DEMO-1-errors');
    await pick(frame, 'fromRef', 'main');
    const submit = frame.locator('form').getByRole('button', { name: 'Create branch' });

    stack.hosts.github.injectFault({ method: 'POST', pathIncludes: '/git/refs', status: 429, headers: { 'retry-after': '30' }, body: { message: 'rate limited' }, times: 1 });
    await submit.click();
    await shows(frame.getByTestId('action-problem'), 'Try again in 30 seconds');

    stack.hosts.github.injectFault({ method: 'POST', pathIncludes: '/git/refs', status: 502, body: { message: 'bad gateway' }, times: 5 });
    await submit.click();
    await shows(frame.getByTestId('action-problem'), 'Not done');
    expect(world.branchAuthor('DEMO-1-errors')).toBeUndefined();
    stack.hosts.github.clearFaults();
    await frame.getByTestId('action-problem').getByRole('button', { name: 'Retry' }).click();
    await shows(frame.getByTestId('action-result'), 'Branch DEMO-1-errors created');
    expect(world.branchAuthor('DEMO-1-errors')).toBe('uma-errors');

    await frame.getByRole('button', { name: 'Create pull request' }).first().click();
    await frame.getByRole('button', { name: 'Create branch' }).first().click();
    await frame.locator('#branchName').fill('DEMO-1-errors');
    await pick(frame, 'fromRef', 'main');
    await submit.click();
    await shows(frame.getByTestId('action-problem'), 'Already exists');
    // The conflict links to the branch that exists, on the host.
    const existing = frame.getByTestId('action-problem').getByRole('link', { name: 'Open it on the host' });
    expect(await existing.getAttribute('href')).toBe(`${stack.hosts.github.url}/acme/web/tree/DEMO-1-errors`);
    await screenshot(page, 'issue-panel-conflict');
  });
});
