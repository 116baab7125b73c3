import { request } from 'node:http';
import { AzureDevOpsSimulator } from '../../../simulators/azure-devops/simulator';
import { elementText, WebVisitor } from '../../support/web-visitor';

/** The Azure DevOps simulator's web pages (Services, VSTS and TFS collections), as `npm start` uses them. */
const sim = new AzureDevOpsSimulator();
const MAIN = 'c'.repeat(40);
let browser: WebVisitor;

const refs = (collection: string, token: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const auth = Buffer.from(`:${token}`).toString('base64');
    const out = request(`${sim.url}${collection}/web-project/_apis/git/repositories/web/refs?api-version=5.0`, { agent: false, headers: { authorization: `Basic ${auth}` } }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    out.once('error', reject);
    out.end();
  });

beforeAll(async () => {
  await sim.start();
  sim.addCollection({ path: '/contoso', serverVersion: 'services' });
  sim.addCollection({ path: '/tfs2019/DefaultCollection', serverVersion: '2019' });
  sim.addCollection({ path: '/tfs2015/DefaultCollection', serverVersion: '2015' });
  for (const collection of ['/contoso', '/tfs2019/DefaultCollection', '/tfs2015/DefaultCollection']) {
    sim.seedRepository({ collection, project: 'web-project', name: 'web', branches: { main: MAIN, 'DEMO-1-x': MAIN } });
  }
  sim.addUser({ login: 'uma', displayName: 'Uma User' });
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(() => {
  browser = new WebVisitor(sim.url);
});

const signIn = async (collection = '/contoso'): Promise<void> => {
  expect((await browser.post(`${collection}/_signin`, { login: 'uma', return_to: '/' })).status).toBe(303);
};

describe('the token page at the app\'s link', () => {
  it('sends a person who is not signed in to sign in; Services offers _usersSettings/tokens with Code (Read & write) checked', async () => {
    const first = await browser.get('/contoso/_usersSettings/tokens');
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe(`/contoso/_signin?returnUrl=${encodeURIComponent('/contoso/_usersSettings/tokens')}`);
    expect((await browser.follow(first)).text).toContain('value="uma"');
    await signIn();
    const form = await browser.get('/contoso/_usersSettings/tokens');
    expect(form.status).toBe(200);
    expect(form.text).toContain('value="vso.code_write" checked');
  });

  it('creates a token with exactly the chosen scopes: Work Items (Read) cannot read code, Code (Read & write) can', async () => {
    await signIn();
    const create = async (scopes: string[]): Promise<string> => {
      const answer = await browser.post('/contoso/_usersSettings/tokens', { name: 'Jira (patgate)', expiration: '30', scopes });
      expect(answer.status).toBe(200);
      expect(answer.headers['cache-control']).toBe('no-store');
      expect(elementText(answer.text, 'new-token-scopes')).toBe(scopes.join(', '));
      return elementText(answer.text, 'new-token') ?? '';
    };
    const readWrite = await create(['vso.code_write']);
    expect(await refs('/contoso', readWrite)).toBe(200);
    const work = await create(['vso.work']);
    expect(await refs('/contoso', work)).not.toBe(200);
  });

  it('TFS 2019 has the page at _details/security/tokens; TFS 2015 has no token page', async () => {
    await signIn('/tfs2019/DefaultCollection');
    expect((await browser.get('/tfs2019/DefaultCollection/_details/security/tokens')).status).toBe(200);
    expect((await browser.get('/tfs2019/DefaultCollection/_usersSettings/tokens')).status).toBe(404);
    expect((await browser.get('/tfs2015/DefaultCollection/_details/security/tokens')).status).toBe(404);
  });

  it('refuses a cross-origin POST and a token without scopes', async () => {
    await signIn();
    const forged = await browser.post('/contoso/_usersSettings/tokens', { name: 'x', expiration: '30', scopes: ['vso.code_write'] }, 'http://evil.example');
    expect(forged.status).toBe(403);
    expect(elementText(forged.text, 'new-token')).toBeUndefined();
    expect((await browser.post('/contoso/_usersSettings/tokens', { name: 'x', expiration: '30' })).status).toBe(422);
  });
});

describe('repository, branch and pull request pages', () => {
  it('404 for an unknown repository, branch or pull request', async () => {
    await signIn();
    for (const path of ['/contoso/web-project/_git/nothing', '/contoso/web-project/_git/web?version=GBnope', '/contoso/web-project/_git/web/pullrequest/7', '/contoso/nope/_git/web']) {
      expect([path, (await browser.get(path)).status]).toEqual([path, 404]);
    }
    expect((await browser.get('/contoso/web-project/_git/web')).status).toBe(200);
  });

  it('the commit button moves the branch; a cross-origin commit changes nothing', async () => {
    await signIn();
    expect((await browser.post('/contoso/web-project/_git/web/commits', { branch: 'DEMO-1-x' }, 'http://evil.example')).status).toBe(403);
    expect(sim.getBranch('web-project/web', 'DEMO-1-x', '/contoso')?.commitId).toBe(MAIN);
    const committed = await browser.post('/contoso/web-project/_git/web/commits', { branch: 'DEMO-1-x' });
    expect(committed.status).toBe(303);
    const page = await browser.follow(committed);
    const head = sim.getBranch('web-project/web', 'DEMO-1-x', '/contoso')?.commitId;
    expect(head).not.toBe(MAIN);
    expect(elementText(page.text, 'head-commit')).toBe(head);
  });
});
