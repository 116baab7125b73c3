import { request } from 'node:http';
import { GitLabSimulator } from '../../../simulators/gitlab/simulator';
import { elementText, WebVisitor } from '../../support/web-visitor';

/** The GitLab simulator's web pages, as a person's browser uses them in `npm start`. */
const sim = new GitLabSimulator();
const MAIN = 'b'.repeat(40);
let browser: WebVisitor;

const api = (method: string, path: string, token: string, body?: unknown): Promise<{ status: number; text: string }> =>
  new Promise((resolve, reject) => {
    const out = request(`${sim.url}/api/v4${path}`, { method, agent: false, headers: { 'private-token': token, ...(body ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    out.once('error', reject);
    out.end(body ? JSON.stringify(body) : undefined);
  });

beforeAll(async () => {
  await sim.start();
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(() => {
  sim.reset();
  sim.addUser({ username: 'uma', name: 'Uma User' });
  sim.seedProject({ path: 'acme/web', branches: { main: MAIN, 'DEMO-1-x': MAIN }, members: { uma: 'developer' } });
  sim.seedProject({ path: 'acme/secret', branches: { main: MAIN } });
  browser = new WebVisitor(sim.url);
});

const signIn = async (): Promise<void> => {
  expect((await browser.post('/users/sign_in', { login: 'uma', return_to: '/' })).status).toBe(303);
};

const TOKENS = '/-/user_settings/personal_access_tokens';

describe('the personal access token page at the app\'s link', () => {
  it('sends a person who is not signed in to sign in, then shows the prefilled form', async () => {
    const link = `${TOKENS}?name=Jira%20(patgate)&scopes=api`;
    const first = await browser.get(link);
    expect(first.status).toBe(303);
    expect(first.headers.location).toMatch(/^\/users\/sign_in\?redirect_to=/);
    const signInPage = await browser.follow(first);
    expect(signInPage.text).toContain('value="uma"');
    await signIn();
    const form = await browser.get(link);
    expect(form.text).toContain('value="api" checked');
    expect(form.text).not.toContain('value="read_api" checked');
    expect(form.text).toContain('value="Jira (patgate)"');
  });

  it('creates a token with exactly the scopes asked for, which the API honours', async () => {
    await signIn();
    const expiresAt = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    const answer = await browser.post(TOKENS, { name: 'Jira (patgate)', expires_at: expiresAt, scopes: ['api'] });
    expect(answer.status).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    const token = elementText(answer.text, 'new-token') ?? '';
    expect(token).toMatch(/^glpat-/);
    const self = await api('GET', '/personal_access_tokens/self', token);
    expect(JSON.parse(self.text)).toMatchObject({ scopes: ['api'], expires_at: expiresAt, name: 'Jira (patgate)' });

    const readOnly = elementText((await browser.post(TOKENS, { name: 'ro', expires_at: expiresAt, scopes: ['read_api'] })).text, 'new-token') ?? '';
    expect(JSON.parse((await api('GET', '/personal_access_tokens/self', readOnly)).text)).toMatchObject({ scopes: ['read_api'] });
    expect((await api('POST', '/projects/acme%2Fweb/repository/branches', readOnly, { branch: 'x', ref: 'main' })).status).toBe(403);
  });

  it('refuses a blank name, no or unknown scopes, a past date, and a cross-origin POST', async () => {
    await signIn();
    const future = new Date(Date.now() + 86_400_000 * 5).toISOString().slice(0, 10);
    expect((await browser.post(TOKENS, { name: '', expires_at: future, scopes: ['api'] })).status).toBe(422);
    expect((await browser.post(TOKENS, { name: 'x', expires_at: future, scopes: [] })).status).toBe(422);
    expect((await browser.post(TOKENS, { name: 'x', expires_at: future, scopes: ['sudo'] })).status).toBe(422);
    expect((await browser.post(TOKENS, { name: 'x', expires_at: '2000-01-01', scopes: ['api'] })).status).toBe(422);
    const forged = await browser.post(TOKENS, { name: 'x', expires_at: future, scopes: ['api'] }, 'http://evil.example');
    expect(forged.status).toBe(403);
    expect(forged.text).not.toMatch(/glpat-/);
  });
});

describe('project, branch and merge request pages', () => {
  it('404 for unknown projects, branches and merge requests, and for a private project of others', async () => {
    await signIn();
    for (const path of ['/acme/nothing', '/acme/web/-/tree/nope', '/acme/web/-/merge_requests/3', '/acme/secret', '/acme/secret/-/tree/main']) {
      expect([path, (await browser.get(path)).status]).toEqual([path, 404]);
    }
    expect((await browser.get('/acme/web')).status).toBe(200);
  });

  it('the commit button moves the branch to a new commit; the merge request page shows !iid', async () => {
    await signIn();
    const committed = await browser.post('/acme/web/-/commits', { branch: 'DEMO-1-x' });
    expect(committed.status).toBe(303);
    const after = await browser.follow(committed);
    const head = sim.getBranch('acme/web', 'DEMO-1-x')?.commitId;
    expect(head).not.toBe(MAIN);
    expect(elementText(after.text, 'head-commit')).toBe(head);
    expect((await browser.post('/acme/web/-/commits', { branch: 'main' }, 'http://evil.example')).status).toBe(403);
    expect(sim.getBranch('acme/web', 'main')?.commitId).toBe(MAIN);

    const token = sim.issueToken({ username: 'uma' }).token;
    const created = await api('POST', '/projects/acme%2Fweb/merge_requests', token, { source_branch: 'DEMO-1-x', target_branch: 'main', title: 'DEMO-1' });
    expect(created.status).toBe(201);
    const page = await browser.get(new URL((JSON.parse(created.text) as { web_url: string }).web_url).pathname);
    expect(page.status).toBe(200);
    expect(page.text).toContain('!1');
    expect(elementText(page.text, 'pull-state')).toBe('Open');
  });

  it('a member who may not push gets no commit', async () => {
    sim.addMember('acme/web', 'rita', 'reporter');
    const reader = new WebVisitor(sim.url);
    await reader.post('/users/sign_in', { login: 'rita', return_to: '/' });
    expect((await reader.post('/acme/web/-/commits', { branch: 'main' })).status).toBe(403);
    expect(sim.getBranch('acme/web', 'main')?.commitId).toBe(MAIN);
  });
});
