import { randomBytes } from 'node:crypto';
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
} from '../kit/web-pages';
import type { SimCollection, SimRepository, SimulatorState } from './simulator-state';

const SITE = 'Azure DevOps (simulated)';

/**
 * The scopes the new-token page offers, by Azure DevOps's names
 * (https://learn.microsoft.com/en-us/azure/devops/integrate/get-started/authentication/oauth#scopes).
 * The app's link names none (Azure DevOps has no prefill), so the page starts with
 * Code (Read & write), the one patgate needs, and says so.
 */
const SCOPES: readonly { readonly name: string; readonly label: string }[] = [
  { name: 'vso.code', label: 'Code (Read)' },
  { name: 'vso.code_write', label: 'Code (Read & write)' },
  { name: 'vso.code_manage', label: 'Code (Read, write & manage)' },
  { name: 'vso.work', label: 'Work Items (Read)' },
  { name: 'vso.build', label: 'Build (Read)' },
];
const KNOWN_SCOPES = new Set(SCOPES.map((s) => s.name));
const EXPIRATIONS = [30, 60, 90] as const;

const newCommitId = (): string => randomBytes(20).toString('hex');
const GB = /^GB(.+)$/;

/**
 * Azure DevOps Services / VSTS / TFS web pages under each collection, at the paths the app links
 * to: sign-in (`{collection}/_signin`, a stand-in for Microsoft's sign-in), the personal access
 * token page (`{collection}/_usersSettings/tokens` on Services and VSTS,
 * `{collection}/_details/security/tokens` on TFS 2017+;
 * https://learn.microsoft.com/en-us/azure/devops/organizations/accounts/use-personal-access-tokens-to-authenticate),
 * a repository (`{project}/_git/{repo}`), a branch (`?version=GB{branch}`, with "Commit to this
 * branch") and a pull request (`/pullrequest/{id}`). TFS 2015 has no PATs: no token page there.
 */
export class AzureDevOpsWebPages {
  readonly sessions = new WebSessions('UserAuthentication');

  constructor(
    private readonly state: SimulatorState,
    private readonly now: () => Date,
  ) {}

  /** The page for this request in this collection, or undefined for an API path (`_apis`). */
  handle(request: SimRequest, collection: SimCollection, segments: readonly string[]): SimResponse | undefined {
    if (segments.some((s) => s.toLowerCase() === '_apis')) return undefined;
    const { method } = request;
    if (method !== 'GET' && method !== 'POST') return undefined;
    const base = collection.path;
    const route = segments.join('/');
    if (route === '_signin') return method === 'GET' ? this.#signIn(request, base) : this.#guarded(request, () => this.#startSession(request, base));
    if (route === '_signout' && method === 'POST') return this.#guarded(request, () => seeOther(`${base}/_signin`, this.sessions.end(request)));
    if (route === this.#tokenRoute(collection)) {
      if (collection.serverVersion === '2015') return notFoundPage(SITE);
      return method === 'GET' ? this.#tokenPage(request, collection) : this.#guarded(request, () => this.#createToken(request, collection));
    }
    const [projectName = '', git, repositoryName = '', ...rest] = segments;
    if (git !== '_git' || !repositoryName) return method === 'GET' ? notFoundPage(SITE) : undefined;
    const repository = this.state.findRepository(collection, projectName, repositoryName);
    if (!repository) return notFoundPage(SITE);
    if (!this.sessions.who(request)) return method === 'GET' ? this.#toSignIn(request, base) : crossOriginRefused(SITE);
    const sub = rest.join('/');
    if (method === 'POST') return sub === 'commits' ? this.#guarded(request, () => this.#commit(request, collection, repository)) : undefined;
    if (sub === '') {
      const version = GB.exec(request.query.get('version') ?? '');
      return version ? this.#branchPage(request, collection, repository, version[1] ?? '') : this.#repositoryPage(request, collection, repository);
    }
    const pr = /^pullrequest\/(\d+)$/.exec(sub);
    if (pr) return this.#pullRequestPage(request, collection, repository, Number(pr[1]));
    return notFoundPage(SITE);
  }

  #tokenRoute(collection: SimCollection): string {
    return collection.hosted ? '_usersSettings/tokens' : '_details/security/tokens';
  }

  #guarded(request: SimRequest, action: () => SimResponse): SimResponse {
    return isSameOrigin(request) ? action() : crossOriginRefused(SITE);
  }

  #page(request: SimRequest, base: string, title: string, body: Html, status = 200): SimResponse {
    const login = this.sessions.who(request);
    return page({ site: SITE, title, body, status, ...(login ? { signedInAs: login, signOutPath: `${base}/_signout` } : {}) });
  }

  #people(): { login: string; name: string }[] {
    return this.state
      .allUsers()
      .filter((u) => u.login !== 'Project Collection Administrators')
      .map((u) => ({ login: u.login, name: u.displayName }));
  }

  #signIn(request: SimRequest, base: string): SimResponse {
    return signInPage({ site: SITE, action: `${base}/_signin`, people: this.#people(), returnTo: localPath(request.query.get('returnUrl')) });
  }

  #startSession(request: SimRequest, base: string): SimResponse {
    const fields = formFields(request);
    const person = this.#people().find((p) => p.login === fields.get('login'));
    const returnTo = localPath(fields.get('return_to'));
    if (!person) return signInPage({ site: SITE, action: `${base}/_signin`, people: this.#people(), returnTo, refused: true });
    return seeOther(returnTo, this.sessions.start(person.login));
  }

  #toSignIn(request: SimRequest, base: string): SimResponse {
    const here = `${request.path}${request.query.size ? `?${request.query.toString()}` : ''}`;
    return seeOther(`${base}/_signin?returnUrl=${encodeURIComponent(here)}`);
  }

  #tokenPage(request: SimRequest, collection: SimCollection): SimResponse {
    if (!this.sessions.who(request)) return this.#toSignIn(request, collection.path);
    return this.#tokenForm(request, collection, '', new Set(['vso.code_write']), 30);
  }

  #tokenForm(request: SimRequest, collection: SimCollection, name: string, checked: ReadonlySet<string>, days: number, error?: string): SimResponse {
    const scopes = SCOPES.map((scope) => html`<label><input type="checkbox" name="scopes" value="${scope.name}"${checked.has(scope.name) ? html` checked` : ''}> ${scope.label}</label>`);
    const expirations = EXPIRATIONS.map((d) => html`<option value="${d}"${d === days ? html` selected` : ''}>${d} days</option>`);
    return this.#page(
      request,
      collection.path,
      'Personal Access Tokens',
      html`<h1>Personal Access Tokens</h1>
<h2>Create a new personal access token</h2>
${error ? html`<p class="flash warn" role="alert" id="token-error">${error}</p>` : ''}
<form method="post" action="${`${collection.path}/${this.#tokenRoute(collection)}`}">
<label for="token-name">Name</label>
<input type="text" id="token-name" name="name" value="${name}" required${error ? html` aria-describedby="token-error" autofocus` : ''}>
<label for="expiration">Expiration</label>
<select id="expiration" name="expiration">${expirations}</select>
<fieldset><legend>Scopes</legend><p class="muted">patgate needs Code (Read &amp; write).</p>${scopes}</fieldset>
<button type="submit">Create</button>
</form>`,
      error ? 422 : 200,
    );
  }

  #createToken(request: SimRequest, collection: SimCollection): SimResponse {
    const owner = this.sessions.who(request);
    if (!owner) return this.#toSignIn(request, collection.path);
    const fields = formFields(request);
    const name = (fields.get('name') ?? '').trim();
    const scopes = fields.getAll('scopes');
    const days = EXPIRATIONS.find((d) => String(d) === fields.get('expiration'));
    const known = new Set(scopes.filter((s) => KNOWN_SCOPES.has(s)));
    if (!name || scopes.length === 0 || known.size !== scopes.length || days === undefined) {
      return this.#tokenForm(request, collection, name, known, days ?? 30, 'Enter a name, an expiration and at least one scope.');
    }
    const expiresAt = new Date(this.now().getTime() + days * 86_400_000);
    const token = this.state.issueToken(owner, scopes, expiresAt);
    // The token is in this answer's body only: no redirect, no query string, no-store.
    return this.#page(
      request,
      collection.path,
      'Personal Access Tokens',
      html`<h1>Personal Access Tokens</h1>
<section aria-labelledby="new-token-heading">
<h2 id="new-token-heading" tabindex="-1" autofocus>Success! “${name}” was created</h2>
<p class="flash">Make sure you copy the token now. We don't store it and you won't be able to see it again.</p>
<code class="token" id="new-token">${token}</code>
<dl><dt>Scopes</dt><dd id="new-token-scopes">${scopes.join(', ')}</dd><dt>Expires</dt><dd id="new-token-expires">${expiresAt.toISOString().slice(0, 10)}</dd></dl>
</section>`,
    );
  }

  #repositoryUrl(collection: SimCollection, repository: SimRepository): string {
    return `${collection.path}/${encodeURIComponent(repository.project.name)}/_git/${encodeURIComponent(repository.name)}`;
  }

  #repositoryPage(request: SimRequest, collection: SimCollection, repository: SimRepository): SimResponse {
    const base = this.#repositoryUrl(collection, repository);
    const branches = [...repository.refs.keys()].map((ref) => ref.replace(/^refs\/heads\//, '')).map((name) => html`<li><a href="${`${base}?version=GB${encodeURIComponent(name)}`}">${name}</a></li>`);
    const prs = repository.pullRequests.map((pr) => html`<li><a href="${`${base}/pullrequest/${pr.id}`}">!${pr.id} ${pr.title}</a> (${pr.status})</li>`);
    return this.#page(
      request,
      collection.path,
      `${repository.project.name}/${repository.name}`,
      html`<h1>${repository.project.name}/${repository.name}</h1>
<h2>Branches</h2><ul>${branches}</ul>
<h2>Pull requests</h2>${prs.length ? html`<ul>${prs}</ul>` : html`<p>No pull requests yet.</p>`}`,
    );
  }

  #branchPage(request: SimRequest, collection: SimCollection, repository: SimRepository, name: string): SimResponse {
    const branch = repository.refs.get(`refs/heads/${name}`);
    if (!branch) return notFoundPage(SITE);
    const base = this.#repositoryUrl(collection, repository);
    const committed = request.query.get('committed') === branch.commitId;
    return this.#page(
      request,
      collection.path,
      `${name} · ${repository.name}`,
      html`<p><a href="${base}">${repository.project.name}/${repository.name}</a></p>
<h1>Branch ${name}</h1>
${committed ? html`<p class="flash" role="status" id="commit-result" tabindex="-1" autofocus>Committed ${branch.commitId.slice(0, 8)} to ${name}.</p>` : ''}
<dl><dt>Latest commit</dt><dd><code id="head-commit">${branch.commitId}</code></dd><dt>Created by</dt><dd>${branch.createdBy}</dd></dl>
<form method="post" action="${`${base}/commits`}"><input type="hidden" name="branch" value="${name}"><button type="submit"${committed ? '' : html` autofocus`}>Commit to this branch</button></form>`,
    );
  }

  #commit(request: SimRequest, collection: SimCollection, repository: SimRepository): SimResponse {
    const name = formFields(request).get('branch') ?? '';
    const ref = `refs/heads/${name}`;
    const branch = repository.refs.get(ref);
    if (!branch) return notFoundPage(SITE);
    const commitId = newCommitId();
    repository.refs.set(ref, { ...branch, commitId });
    repository.commits.add(commitId);
    return seeOther(`${this.#repositoryUrl(collection, repository)}?version=GB${encodeURIComponent(name)}&committed=${commitId}`);
  }

  #pullRequestPage(request: SimRequest, collection: SimCollection, repository: SimRepository, id: number): SimResponse {
    const pr = repository.pullRequests.find((p) => p.id === id);
    if (!pr) return notFoundPage(SITE);
    const base = this.#repositoryUrl(collection, repository);
    const source = pr.sourceRefName.replace(/^refs\/heads\//, '');
    const target = pr.targetRefName.replace(/^refs\/heads\//, '');
    const status = pr.status === 'active' ? 'Active' : pr.status === 'completed' ? 'Completed' : 'Abandoned';
    return this.#page(
      request,
      collection.path,
      `${pr.title} (!${pr.id})`,
      html`<p><a href="${base}">${repository.project.name}/${repository.name}</a></p>
<h1>${pr.title} <span class="muted">!${pr.id}</span></h1>
<p><strong id="pull-state">${status}</strong>: ${pr.createdBy} wants to merge <a href="${`${base}?version=GB${encodeURIComponent(source)}`}">${source}</a> into <a href="${`${base}?version=GB${encodeURIComponent(target)}`}">${target}</a></p>
${pr.description ? html`<h2>Description</h2><p>${pr.description}</p>` : ''}`,
    );
  }
}
