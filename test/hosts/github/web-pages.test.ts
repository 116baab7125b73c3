import { GitHubSimulator } from '../../../simulators/github/simulator';
import { elementText, WebVisitor } from '../../support/web-visitor';
import { sendRequest } from './send-request';

/**
 * The GitHub simulator's web pages, as a person's browser uses them in `npm start`: sign in, get a
 * token at the app's "New token" link, see the repository and branch, commit, see the pull request.
 */
const sim = new GitHubSimulator();
const MAIN = 'a'.repeat(40);
let browser: WebVisitor;

beforeAll(async () => {
  await sim.start();
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(() => {
  sim.reset();
  sim.addUser({ login: 'uma', name: 'Uma User' });
  sim.seedRepository({ fullName: 'acme/web', branches: { main: MAIN, 'feature/DEMO-1-x': MAIN }, collaborators: { uma: 'write' } });
  sim.seedRepository({ fullName: 'acme/secret', private: true, branches: { main: MAIN } });
  browser = new WebVisitor(sim.url);
});

const signIn = async (login = 'uma'): Promise<void> => {
  const answer = await browser.post('/session', { login, return_to: '/' });
  expect(answer.status).toBe(303);
};

const generateToken = async (scopes: readonly string[]): Promise<string> => {
  const answer = await browser.post('/settings/tokens', { description: 'Jira (patgate)', expiration: '30', scopes });
  expect(answer.status).toBe(200);
  const token = elementText(answer.text, 'new-token');
  if (!token) throw new Error('no token on the page');
  return token;
};

const scopesOf = async (token: string): Promise<string | undefined> =>
  (await sendRequest(`${sim.url}/user`, { method: 'GET', headers: { authorization: `token ${token}` } })).headers['x-oauth-scopes'];

describe('the new-token page at the app\'s link', () => {
  it('sends a person who is not signed in to sign in, then back to the same link', async () => {
    const link = '/settings/tokens/new?scopes=repo&description=Jira%20(patgate)';
    const first = await browser.get(link);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe(`/login?return_to=${encodeURIComponent('/settings/tokens/new?scopes=repo&description=Jira+%28patgate%29')}`);
    const signInPage = await browser.follow(first);
    expect(signInPage.text).toContain('value="uma"');
    expect(signInPage.text).not.toContain('value="acme"'); // an organisation is not a person
    const signedIn = await browser.post('/session', { login: 'uma', return_to: '/settings/tokens/new?scopes=repo&description=Jira+%28patgate%29' });
    expect(signedIn.headers['set-cookie']).toMatch(/HttpOnly; SameSite=Lax/);
    const form = await browser.follow(signedIn);
    expect(form.status).toBe(200);
    expect(form.text).toContain('value="repo" checked');
    expect(form.text).not.toContain('value="gist" checked');
    expect(form.text).toContain('value="Jira (patgate)"');
  });

  it('issues a token with exactly the scopes asked for, shown once in the body, never in a URL', async () => {
    await signIn();
    const answer = await browser.post('/settings/tokens', { description: 'Jira (patgate)', expiration: '30', scopes: ['repo'] });
    expect(answer.status).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.headers.location).toBeUndefined();
    const token = elementText(answer.text, 'new-token') ?? '';
    expect(token).toMatch(/^ghp_[A-Za-z0-9]{36}$/);
    expect(await scopesOf(token)).toBe('repo');
    const user = await sendRequest(`${sim.url}/user`, { method: 'GET', headers: { authorization: `token ${token}` } });
    expect(JSON.parse(user.text)).toMatchObject({ login: 'uma' });
    expect(user.headers['github-authentication-token-expiration']).toMatch(/ UTC$/);

    const twoScopes = await generateToken(['repo', 'gist']);
    expect(await scopesOf(twoScopes)).toBe('repo, gist');
    // A token without `repo` cannot push: the API refuses a branch as GitHub does (404 for a classic token).
    const readOnly = await generateToken(['gist']);
    const refused = await sendRequest(`${sim.url}/repos/acme/web/git/refs`, {
      method: 'POST',
      headers: { authorization: `token ${readOnly}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ref: 'refs/heads/x', sha: MAIN }),
    });
    expect(refused.status).toBe(404);
  });

  it('refuses a blank note and unknown scopes, issuing nothing', async () => {
    await signIn();
    expect((await browser.post('/settings/tokens', { description: ' ', expiration: '30', scopes: ['repo'] })).status).toBe(422);
    expect((await browser.post('/settings/tokens', { description: 'x', expiration: '30', scopes: ['admin:enterprise'] })).status).toBe(422);
  });

  it('refuses a cross-origin POST (another site\'s form) and one with no Origin at all', async () => {
    await signIn();
    const forged = await browser.post('/settings/tokens', { description: 'stolen', expiration: '30', scopes: ['repo'] }, 'http://evil.example');
    expect(forged.status).toBe(403);
    expect(forged.text).not.toMatch(/ghp_/);
    expect((await browser.post('/settings/tokens', { description: 'x', expiration: '30', scopes: ['repo'] }, null)).status).toBe(403);
    // An opaque origin (a sandboxed frame's form) is refused too.
    expect((await browser.post('/settings/tokens', { description: 'x', expiration: '30', scopes: ['repo'] }, 'null')).status).toBe(403);
    expect((await browser.post('/session', { login: 'uma', return_to: '/' }, 'http://evil.example')).status).toBe(403);
  });

  it('returns only to a path of this site after sign-in', async () => {
    const answer = await browser.post('/session', { login: 'uma', return_to: '//evil.example/x' });
    expect(answer.headers.location).toBe('/');
    expect((await browser.post('/session', { login: 'nobody', return_to: '/' })).status).toBe(400);
  });
});

describe('repository, branch and pull request pages', () => {
  it('show the repository and its branches at the API\'s html_url', async () => {
    const token = sim.issueToken({ login: 'uma' });
    const repository = JSON.parse((await sendRequest(`${sim.url}/repos/acme/web`, { method: 'GET', headers: { authorization: `token ${token}` } })).text) as { html_url: string };
    const page = await browser.get(new URL(repository.html_url).pathname);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>acme/web</h1>');
    expect(page.text).toContain('href="/acme/web/tree/feature/DEMO-1-x"');
  });

  it('404 for an unknown repository, branch or pull request, and for a private one the person may not see', async () => {
    await signIn();
    for (const path of ['/acme/nothing', '/acme/web/tree/nope', '/acme/web/pull/9', '/acme/web/pull/x', '/acme/secret', '/acme/secret/tree/main']) {
      expect([path, (await browser.get(path)).status]).toEqual([path, 404]);
    }
  });

  it('the commit button adds a commit, so the pull request GitHub refused before is accepted', async () => {
    const token = sim.issueToken({ login: 'uma' });
    const openPull = (): Promise<{ status: number; text: string }> =>
      sendRequest(`${sim.url}/repos/acme/web/pulls`, {
        method: 'POST',
        headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'DEMO-1', head: 'feature/DEMO-1-x', base: 'main' }),
      });
    expect((await openPull()).status).toBe(422); // "No commits between main and feature/DEMO-1-x"

    const anonymous = await browser.get('/acme/web/tree/feature/DEMO-1-x');
    expect(anonymous.text).not.toContain('Commit to this branch');
    await signIn();
    const branchPage = await browser.get('/acme/web/tree/feature/DEMO-1-x');
    expect(branchPage.text).toContain('Commit to this branch');
    const committed = await browser.post('/acme/web/commits', { branch: 'feature/DEMO-1-x' });
    expect(committed.status).toBe(303);
    const after = await browser.follow(committed);
    const head = sim.getBranch('acme/web', 'feature/DEMO-1-x')?.commitId;
    expect(head).not.toBe(MAIN);
    expect(elementText(after.text, 'head-commit')).toBe(head);
    expect(after.text).toContain(`Committed ${String(head).slice(0, 7)} to feature/DEMO-1-x.`);

    const pull = await openPull();
    expect(pull.status).toBe(201);
    const pullPage = await browser.get(new URL((JSON.parse(pull.text) as { html_url: string }).html_url).pathname);
    expect(pullPage.status).toBe(200);
    expect(elementText(pullPage.text, 'pull-state')).toBe('Open');
    expect(pullPage.text).toContain('uma wants to merge');
  });

  it('refuses a cross-origin commit, a commit by someone without push rights, and one to an unknown branch', async () => {
    await signIn();
    expect((await browser.post('/acme/web/commits', { branch: 'main' }, 'http://evil.example')).status).toBe(403);
    expect(sim.getBranch('acme/web', 'main')?.commitId).toBe(MAIN);
    expect((await browser.post('/acme/web/commits', { branch: 'nope' })).status).toBe(404);
    sim.addUser({ login: 'rita' });
    const reader = new WebVisitor(sim.url);
    await reader.post('/session', { login: 'rita', return_to: '/' });
    expect((await reader.post('/acme/web/commits', { branch: 'main' })).status).toBe(403);
    expect(sim.getBranch('acme/web', 'main')?.commitId).toBe(MAIN);
  });

  it('leaves the REST API where it was (an API path is never a web page)', async () => {
    const token = sim.issueToken({ login: 'uma' });
    const answer = await sendRequest(`${sim.url}/repos/acme/web`, { method: 'GET', headers: { authorization: `token ${token}` } });
    expect(answer.headers['content-type']).toMatch(/application\/json/);
    expect((await sendRequest(`${sim.url}/user/repos`, { method: 'GET', headers: { authorization: `token ${token}` } })).status).toBe(200);
    // A REST path the simulator does not serve stays the API's JSON 404, not a repository page.
    const search = await sendRequest(`${sim.url}/search/issues?q=DEMO-1`, { method: 'GET', headers: { authorization: `token ${token}` } });
    expect(search.status).toBe(404);
    expect(search.headers['content-type']).toMatch(/application\/json/);
  });
});
