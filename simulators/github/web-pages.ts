import type { SimRequest, SimResponse } from '../kit/loopback-server';
import {
  crossOriginRefused,
  formFields,
  html,
  isSameOrigin,
  localPath,
  notFoundPage,
  page,
  seeOther,
  signInPage,
  WebSessions,
  type Html,
  decodeSegment as decode,
  encodePath,
} from '../kit/web-pages';
import { atLeast, type SimRepository, type SimulatorState } from './simulator-state';

const SITE = 'GitHub (simulated)';

/**
 * The classic token scopes the new-token page offers, a subset of GitHub's list
 * (https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps).
 * The page pre-checks those its `?scopes=` (comma-separated) names; unknown ones are ignored.
 */
const SCOPES: readonly { readonly name: string; readonly description: string }[] = [
  { name: 'repo', description: 'Full control of private repositories' },
  { name: 'public_repo', description: 'Access public repositories' },
  { name: 'workflow', description: 'Update GitHub Action workflows' },
  { name: 'read:org', description: 'Read org and team membership' },
  { name: 'gist', description: 'Create gists' },
  { name: 'notifications', description: 'Access notifications' },
  { name: 'user', description: 'Update ALL user data' },
  { name: 'delete_repo', description: 'Delete repositories' },
];
const KNOWN_SCOPES = new Set(SCOPES.map((s) => s.name));

/** The token page's expiration choices; GitHub's default is 30 days. */
const EXPIRATIONS: readonly { readonly value: string; readonly label: string; readonly days?: number }[] = [
  { value: '7', label: '7 days', days: 7 },
  { value: '30', label: '30 days', days: 30 },
  { value: '60', label: '60 days', days: 60 },
  { value: '90', label: '90 days', days: 90 },
  { value: 'none', label: 'No expiration' },
];

/**
 * First path segments of api.github.com's REST routes and of GitHub's own pages: never an owner
 * here, so an API route added later (e.g. `GET /search/issues`) is never taken for a repository page.
 */
const RESERVED = new Set([
  '_control', 'api', 'app', 'apps', 'emojis', 'events', 'favicon.ico', 'feeds', 'gists', 'graphql', 'installation', 'issues',
  'login', 'logout', 'markdown', 'meta', 'notifications', 'octocat', 'organizations', 'orgs', 'rate_limit', 'repos',
  'repositories', 'search', 'session', 'settings', 'teams', 'user', 'users', 'versions', 'zen',
]);

/**
 * GitHub's web pages at the paths the app links to and the API's `html_url`s name: sign-in
 * (`/login`, POST `/session`), the classic new-token page (`/settings/tokens/new?scopes=…&description=…`,
 * https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/managing-your-personal-access-tokens),
 * a repository (`/{owner}/{repo}`), a branch (`/{owner}/{repo}/tree/{branch}`) with a "Commit to this
 * branch" button, and a pull request (`/{owner}/{repo}/pull/{number}`). The same paths serve
 * Enterprise Server (its web root is the simulator's root too). Not a GitHub API: a demo's pages.
 */
export class GitHubWebPages {
  readonly #state: SimulatorState;
  readonly sessions = new WebSessions('user_session');

  constructor(state: SimulatorState) {
    this.#state = state;
  }

  /** The page for this request, or undefined when the path is not a web page (the REST API's). */
  handle(request: SimRequest): SimResponse | undefined {
    const { method, path } = request;
    if (method === 'GET' && path === '/login') return this.#signIn(request);
    if (method === 'POST' && path === '/session') return this.#startSession(request);
    if (method === 'POST' && path === '/logout') return this.#guarded(request, () => seeOther('/login', this.sessions.end(request)));
    if (method === 'GET' && path === '/settings/tokens/new') return this.#newToken(request);
    if (method === 'POST' && path === '/settings/tokens') return this.#guarded(request, () => this.#generateToken(request));
    const segments = path.split('/').slice(1);
    const [owner = '', repo = '', section, ...rest] = segments;
    if (!owner || !repo || RESERVED.has(owner.toLowerCase()) || (method !== 'GET' && method !== 'POST')) return undefined;
    if (method === 'POST') return section === 'commits' && rest.length === 0 ? this.#guarded(request, () => this.#commit(request, owner, repo)) : undefined;
    if (section === undefined) return this.#repositoryPage(request, owner, repo);
    if (section === 'tree' && rest.length > 0) return this.#branchPage(request, owner, repo, rest.join('/'));
    if (section === 'pull' && rest.length === 1) return this.#pullPage(request, owner, repo, rest[0] ?? '');
    return notFoundPage(SITE);
  }

  #guarded(request: SimRequest, action: () => SimResponse): SimResponse {
    return isSameOrigin(request) ? action() : crossOriginRefused(SITE);
  }

  #page(request: SimRequest, title: string, body: Html, status = 200): SimResponse {
    const login = this.sessions.who(request);
    return page({ site: SITE, title, body, status, ...(login ? { signedInAs: login, signOutPath: '/logout' } : {}) });
  }

  /** People who can sign in: every user but the accounts that own repositories (organisations here). */
  #people(): { login: string; name: string | null }[] {
    const owners = new Set(this.#state.allRepositories().map((r) => r.owner.toLowerCase()));
    return this.#state.allUsers().filter((u) => !owners.has(u.login.toLowerCase()));
  }

  #signIn(request: SimRequest, refused = false): SimResponse {
    return signInPage({ site: SITE, action: '/session', people: this.#people(), returnTo: localPath(request.query.get('return_to')), refused });
  }

  #startSession(request: SimRequest): SimResponse {
    if (!isSameOrigin(request)) return crossOriginRefused(SITE);
    const fields = formFields(request);
    const person = this.#people().find((p) => p.login === fields.get('login'));
    if (!person) return signInPage({ site: SITE, action: '/session', people: this.#people(), returnTo: localPath(fields.get('return_to')), refused: true });
    return seeOther(localPath(fields.get('return_to')), this.sessions.start(person.login));
  }

  #toSignIn(request: SimRequest): SimResponse {
    const here = `${request.path}${request.query.size ? `?${request.query.toString()}` : ''}`;
    return seeOther(`/login?return_to=${encodeURIComponent(here)}`);
  }

  #newToken(request: SimRequest): SimResponse {
    if (!this.sessions.who(request)) return this.#toSignIn(request);
    const asked = new Set((request.query.get('scopes') ?? '').split(',').map((s) => s.trim()));
    return this.#tokenForm(request, request.query.get('description') ?? '', asked, '30');
  }

  #tokenForm(request: SimRequest, note: string, checked: ReadonlySet<string>, expiration: string, error?: string): SimResponse {
    const scopes = SCOPES.map(
      (scope) =>
        html`<label><input type="checkbox" name="scopes" value="${scope.name}"${checked.has(scope.name) ? html` checked` : ''}> <code>${scope.name}</code> ${scope.description}</label>`,
    );
    const expirations = EXPIRATIONS.map((e) => html`<option value="${e.value}"${e.value === expiration ? html` selected` : ''}>${e.label}</option>`);
    return this.#page(
      request,
      'New personal access token (classic)',
      html`<h1>New personal access token (classic)</h1>
${error ? html`<p class="flash warn" role="alert" id="token-error">${error}</p>` : ''}
<form method="post" action="/settings/tokens">
<label for="note">Note</label>
<input type="text" id="note" name="description" value="${note}" required${error ? html` aria-describedby="token-error" autofocus` : ''}>
<label for="expiration">Expiration</label>
<select id="expiration" name="expiration">${expirations}</select>
<fieldset><legend>Select scopes</legend>${scopes}</fieldset>
<button type="submit">Generate token</button>
</form>`,
      error ? 422 : 200,
    );
  }

  #generateToken(request: SimRequest): SimResponse {
    const login = this.sessions.who(request);
    if (!login) return seeOther('/login?return_to=%2Fsettings%2Ftokens%2Fnew');
    const fields = formFields(request);
    const note = (fields.get('description') ?? '').trim();
    const scopes = fields.getAll('scopes');
    const expiration = EXPIRATIONS.find((e) => e.value === fields.get('expiration'));
    if (!note) return this.#tokenForm(request, note, new Set(scopes), expiration?.value ?? '30', "Note can't be blank.");
    if (!expiration || scopes.some((s) => !KNOWN_SCOPES.has(s))) return this.#tokenForm(request, note, new Set(scopes.filter((s) => KNOWN_SCOPES.has(s))), '30', 'Choose an expiration and known scopes.');
    const expiresAt = expiration.days === undefined ? undefined : new Date(this.#state.now().getTime() + expiration.days * 86_400_000);
    const token = this.#state.issueToken({ login, scopes, ...(expiresAt ? { expiresAt } : {}) });
    // The token is in this answer's body only: no redirect, no query string, no-store.
    return this.#page(
      request,
      'Personal access tokens (classic)',
      html`<h1>Personal access tokens (classic)</h1>
<section aria-labelledby="new-token-heading">
<h2 id="new-token-heading" tabindex="-1" autofocus>Your new token “${note}”</h2>
<p class="flash">Make sure to copy your personal access token now. You won’t be able to see it again!</p>
<code class="token" id="new-token">${token}</code>
<dl><dt>Scopes</dt><dd id="new-token-scopes">${scopes.length ? scopes.join(', ') : 'none (public read-only access)'}</dd>
<dt>Expires</dt><dd>${expiresAt ? expiresAt.toISOString().slice(0, 10) : 'never'}</dd></dl>
</section>
<p><a href="/settings/tokens/new">Generate another token</a></p>`,
    );
  }

  /** The repository when the signed-in person (or anyone, for a public one) may see it. */
  #visible(request: SimRequest, owner: string, repo: string): SimRepository | undefined {
    const o = decode(owner);
    const r = decode(repo);
    const repository = o && r ? this.#state.repository(o, r) : undefined;
    if (!repository) return undefined;
    return this.#state.roleOf(repository, this.sessions.who(request)) ? repository : undefined;
  }

  #repositoryPage(request: SimRequest, owner: string, repo: string): SimResponse {
    const repository = this.#visible(request, owner, repo);
    if (!repository) return notFoundPage(SITE);
    const base = `/${repository.owner}/${repository.name}`;
    const branches = [...repository.branches.keys()].map((name) => html`<li><a href="${`${base}/tree/${encodePath(name)}`}">${name}</a>${name === repository.defaultBranch ? ' (default)' : ''}</li>`);
    const pulls = repository.pulls.map((p) => html`<li><a href="${`${base}/pull/${p.number}`}">#${p.number} ${p.title}</a> (${p.state})</li>`);
    return this.#page(
      request,
      `${repository.owner}/${repository.name}`,
      html`<h1>${repository.owner}/${repository.name}</h1>
<p class="muted">${repository.private ? 'Private' : 'Public'} repository</p>
<h2>Branches</h2><ul>${branches}</ul>
<h2>Pull requests</h2>${pulls.length ? html`<ul>${pulls}</ul>` : html`<p>No pull requests yet.</p>`}`,
    );
  }

  #branchPage(request: SimRequest, owner: string, repo: string, encodedBranch: string): SimResponse {
    const repository = this.#visible(request, owner, repo);
    const name = decode(encodedBranch);
    const branch = name === undefined ? undefined : repository?.branches.get(name);
    if (!repository || !branch || name === undefined) return notFoundPage(SITE);
    const login = this.sessions.who(request);
    const base = `/${repository.owner}/${repository.name}`;
    const committed = request.query.get('committed') === branch.commitId;
    const pulls = repository.pulls.filter((p) => p.head === name).map((p) => html`<li><a href="${`${base}/pull/${p.number}`}">#${p.number} ${p.title}</a> (${p.state})</li>`);
    const canPush = login !== undefined && atLeast(this.#state.roleOf(repository, login), 'write');
    const here = `${base}/tree/${encodePath(name)}`;
    const commitForm = canPush
      ? html`<form method="post" action="${`${base}/commits`}"><input type="hidden" name="branch" value="${name}"><button type="submit"${committed ? '' : html` autofocus`}>Commit to this branch</button></form>
<p class="muted">Adds a commit to ${name}, as a push would, so a pull request can follow.</p>`
      : login
        ? html`<p>You cannot push to this repository.</p>`
        : html`<p><a href="${`/login?return_to=${encodeURIComponent(here)}`}">Sign in</a> to commit to this branch.</p>`;
    return this.#page(
      request,
      `${name} · ${repository.owner}/${repository.name}`,
      html`<p><a href="${base}">${repository.owner}/${repository.name}</a></p>
<h1>Branch ${name}</h1>
${committed ? html`<p class="flash" role="status" id="commit-result" tabindex="-1" autofocus>Committed ${branch.commitId.slice(0, 7)} to ${name}.</p>` : ''}
<dl><dt>Latest commit</dt><dd><code id="head-commit">${branch.commitId}</code></dd>
<dt>Created by</dt><dd>${branch.createdBy ?? 'seeded with the repository'}</dd></dl>
${commitForm}
<h2>Pull requests from this branch</h2>${pulls.length ? html`<ul>${pulls}</ul>` : html`<p>None yet.</p>`}`,
    );
  }

  #commit(request: SimRequest, owner: string, repo: string): SimResponse {
    const login = this.sessions.who(request);
    const repository = this.#visible(request, owner, repo);
    const name = formFields(request).get('branch') ?? '';
    if (!repository || !repository.branches.has(name)) return notFoundPage(SITE);
    if (!login) return seeOther(`/login?return_to=${encodeURIComponent(`/${repository.owner}/${repository.name}/tree/${encodePath(name)}`)}`);
    if (!atLeast(this.#state.roleOf(repository, login), 'write')) return this.#page(request, 'Cannot push', html`<h1>You cannot push to ${repository.owner}/${repository.name}</h1>`, 403);
    const sha = this.#state.pushCommit(repository, name) ?? '';
    return seeOther(`/${repository.owner}/${repository.name}/tree/${encodePath(name)}?committed=${sha}`);
  }

  #pullPage(request: SimRequest, owner: string, repo: string, numberText: string): SimResponse {
    const repository = this.#visible(request, owner, repo);
    const pull = /^\d+$/.test(numberText) ? repository?.pulls.find((p) => p.number === Number(numberText)) : undefined;
    if (!repository || !pull) return notFoundPage(SITE);
    const base = `/${repository.owner}/${repository.name}`;
    return this.#page(
      request,
      `${pull.title} #${pull.number}`,
      html`<p><a href="${base}">${repository.owner}/${repository.name}</a></p>
<h1>${pull.title} <span class="muted">#${pull.number}</span></h1>
<p><strong id="pull-state">${pull.state === 'open' ? 'Open' : 'Closed'}</strong>: ${pull.createdBy} wants to merge <a href="${`${base}/tree/${encodePath(pull.head)}`}">${pull.head}</a> into <a href="${`${base}/tree/${encodePath(pull.base)}`}">${pull.base}</a></p>
${pull.body ? html`<h2>Description</h2><p>${pull.body}</p>` : ''}`,
    );
  }
}
