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
import { randomCommitId, type GitLabSimState, type SimProject } from './gitlab-sim-state';

const SITE = 'GitLab (simulated)';
const TOKENS_PATH = '/-/user_settings/personal_access_tokens';

/**
 * The personal access token scopes GitLab offers
 * (https://docs.gitlab.com/user/profile/personal_access_tokens/#personal-access-token-scopes).
 * The page pre-checks those its `?scopes=` (comma-separated) names, as GitLab's prefill does.
 */
const SCOPES: readonly { readonly name: string; readonly description: string }[] = [
  { name: 'api', description: 'Grants complete read/write access to the API' },
  { name: 'read_api', description: 'Grants read access to the API' },
  { name: 'read_user', description: 'Grants read-only access to your profile' },
  { name: 'read_repository', description: 'Grants read-only access to repositories' },
  { name: 'write_repository', description: 'Grants read-write access to repositories' },
  { name: 'read_registry', description: 'Grants read-only access to container registry images' },
];
const KNOWN_SCOPES = new Set(SCOPES.map((s) => s.name));
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * GitLab's web pages at the paths the app links to and the API's `web_url`s name: sign-in
 * (`/users/sign_in`), the personal access token page with GitLab's prefill
 * (`/-/user_settings/personal_access_tokens?name=…&scopes=…`, GitLab 16+,
 * https://docs.gitlab.com/user/profile/personal_access_tokens/#prefill-personal-access-token-name-and-scopes),
 * a project (`/{namespace}/{project}`), a branch (`/-/tree/{branch}`, with "Commit to this branch")
 * and a merge request (`/-/merge_requests/{iid}`). Not GitLab's API: a demo's pages.
 */
export class GitLabWebPages {
  readonly #state: GitLabSimState;
  readonly sessions = new WebSessions('_gitlab_session');

  constructor(state: GitLabSimState) {
    this.#state = state;
  }

  /** The page for this request, or undefined when the path is not a web page. */
  handle(request: SimRequest): SimResponse | undefined {
    const { method, path } = request;
    if (method === 'GET' && path === '/users/sign_in') return this.#signIn(request);
    if (method === 'POST' && path === '/users/sign_in') return this.#guarded(request, () => this.#startSession(request));
    if (method === 'POST' && path === '/users/sign_out') return this.#guarded(request, () => seeOther('/users/sign_in', this.sessions.end(request)));
    if (method === 'GET' && path === TOKENS_PATH) return this.#tokenPage(request);
    if (method === 'POST' && path === TOKENS_PATH) return this.#guarded(request, () => this.#createToken(request));
    if (method !== 'GET' && method !== 'POST') return undefined;
    const [projectPart = '', rest = ''] = path.slice(1).split(/\/-\/(.*)/s);
    const projectPath = decode(projectPart);
    if (!projectPath || !projectPath.includes('/')) return method === 'GET' ? notFoundPage(SITE) : undefined;
    if (method === 'POST') return rest === 'commits' ? this.#guarded(request, () => this.#commit(request, projectPath)) : undefined;
    if (rest === '') return this.#projectPage(request, projectPath);
    if (rest.startsWith('tree/')) return this.#branchPage(request, projectPath, rest.slice('tree/'.length));
    const mr = /^merge_requests\/(\d+)$/.exec(rest);
    if (mr) return this.#mergeRequestPage(request, projectPath, Number(mr[1]));
    return notFoundPage(SITE);
  }

  #guarded(request: SimRequest, action: () => SimResponse): SimResponse {
    return isSameOrigin(request) ? action() : crossOriginRefused(SITE);
  }

  #page(request: SimRequest, title: string, body: Html, status = 200): SimResponse {
    const login = this.sessions.who(request);
    return page({ site: SITE, title, body, status, ...(login ? { signedInAs: login, signOutPath: '/users/sign_out' } : {}) });
  }

  #people(): { login: string; name: string }[] {
    return this.#state.allUsers().map((u) => ({ login: u.username, name: u.name }));
  }

  #signIn(request: SimRequest): SimResponse {
    return signInPage({ site: SITE, action: '/users/sign_in', people: this.#people(), returnTo: localPath(request.query.get('redirect_to')) });
  }

  #startSession(request: SimRequest): SimResponse {
    const fields = formFields(request);
    const person = this.#people().find((p) => p.login === fields.get('login'));
    const returnTo = localPath(fields.get('return_to'));
    if (!person) return signInPage({ site: SITE, action: '/users/sign_in', people: this.#people(), returnTo, refused: true });
    return seeOther(returnTo, this.sessions.start(person.login));
  }

  #toSignIn(request: SimRequest): SimResponse {
    const here = `${request.path}${request.query.size ? `?${request.query.toString()}` : ''}`;
    return seeOther(`/users/sign_in?redirect_to=${encodeURIComponent(here)}`);
  }

  #defaultExpiry(): string {
    return new Date(Date.parse(this.#state.nowIso()) + 30 * 86_400_000).toISOString().slice(0, 10);
  }

  #tokenPage(request: SimRequest): SimResponse {
    if (!this.sessions.who(request)) return this.#toSignIn(request);
    const asked = new Set((request.query.get('scopes') ?? '').split(',').map((s) => s.trim()));
    return this.#tokenForm(request, request.query.get('name') ?? '', asked, this.#defaultExpiry());
  }

  #tokenForm(request: SimRequest, name: string, checked: ReadonlySet<string>, expiresAt: string, error?: string): SimResponse {
    const scopes = SCOPES.map(
      (scope) => html`<label><input type="checkbox" name="scopes" value="${scope.name}"${checked.has(scope.name) ? html` checked` : ''}> <code>${scope.name}</code> ${scope.description}</label>`,
    );
    return this.#page(
      request,
      'Personal access tokens',
      html`<h1>Personal access tokens</h1>
<h2>Add a personal access token</h2>
${error ? html`<p class="flash warn" role="alert" id="token-error">${error}</p>` : ''}
<form method="post" action="${TOKENS_PATH}">
<label for="token-name">Token name</label>
<input type="text" id="token-name" name="name" value="${name}" required${error ? html` aria-describedby="token-error" autofocus` : ''}>
<label for="expires-at">Expiration date</label>
<input type="date" id="expires-at" name="expires_at" value="${expiresAt}">
<fieldset><legend>Select scopes</legend>${scopes}</fieldset>
<button type="submit">Create personal access token</button>
</form>`,
      error ? 422 : 200,
    );
  }

  #createToken(request: SimRequest): SimResponse {
    const username = this.sessions.who(request);
    if (!username) return seeOther(`/users/sign_in?redirect_to=${encodeURIComponent(TOKENS_PATH)}`);
    const fields = formFields(request);
    const name = (fields.get('name') ?? '').trim();
    const scopes = fields.getAll('scopes');
    const expiresAt = fields.get('expires_at') ?? '';
    const known = new Set(scopes.filter((s) => KNOWN_SCOPES.has(s)));
    if (!name) return this.#tokenForm(request, name, known, expiresAt || this.#defaultExpiry(), "Name can't be blank");
    if (scopes.length === 0 || known.size !== scopes.length) return this.#tokenForm(request, name, known, expiresAt || this.#defaultExpiry(), 'Scopes can\'t be blank');
    if (!DATE_ONLY.test(expiresAt) || expiresAt <= this.#state.nowIso().slice(0, 10)) {
      return this.#tokenForm(request, name, known, this.#defaultExpiry(), 'Expiration date must be in the future');
    }
    const token = this.#state.issueToken({ username, scopes, expiresAt, name });
    // The token is in this answer's body only: no redirect, no query string, no-store.
    return this.#page(
      request,
      'Personal access tokens',
      html`<h1>Personal access tokens</h1>
<section aria-labelledby="new-token-heading">
<h2 id="new-token-heading" tabindex="-1" autofocus>Your new personal access token “${name}”</h2>
<p class="flash">Make sure you save it - you won't be able to access it again.</p>
<code class="token" id="new-token">${token.value}</code>
<dl><dt>Scopes</dt><dd id="new-token-scopes">${token.scopes.join(', ')}</dd><dt>Expires</dt><dd>${token.expiresAt ?? 'never'}</dd></dl>
</section>`,
    );
  }

  #visible(request: SimRequest, path: string): SimProject | undefined {
    const project = this.#state.project(path);
    if (!project || /^\d+$/.test(path)) return undefined;
    const who = this.sessions.who(request);
    return project.visibility !== 'private' || (who !== undefined && this.#state.canSee(project, who)) ? project : undefined;
  }

  #projectPage(request: SimRequest, path: string): SimResponse {
    const project = this.#visible(request, path);
    if (!project) return notFoundPage(SITE);
    const base = `/${project.path}`;
    const branches = [...project.branches.keys()].map((name) => html`<li><a href="${`${base}/-/tree/${encodePath(name)}`}">${name}</a>${name === project.defaultBranch ? ' (default)' : ''}</li>`);
    const mrs = project.mergeRequests.map((mr) => html`<li><a href="${`${base}/-/merge_requests/${mr.iid}`}">!${mr.iid} ${mr.title}</a> (${mr.state})</li>`);
    return this.#page(
      request,
      project.path,
      html`<h1>${project.path}</h1>
<h2>Branches</h2><ul>${branches}</ul>
<h2>Merge requests</h2>${mrs.length ? html`<ul>${mrs}</ul>` : html`<p>No merge requests yet.</p>`}`,
    );
  }

  #branchPage(request: SimRequest, path: string, encodedBranch: string): SimResponse {
    const project = this.#visible(request, path);
    const name = decode(encodedBranch);
    const branch = name === undefined ? undefined : project?.branches.get(name);
    if (!project || !branch || name === undefined) return notFoundPage(SITE);
    const who = this.sessions.who(request);
    const base = `/${project.path}`;
    const here = `${base}/-/tree/${encodePath(name)}`;
    const committed = request.query.get('committed') === branch.commit.id;
    const mrs = project.mergeRequests.filter((mr) => mr.sourceBranch === name).map((mr) => html`<li><a href="${`${base}/-/merge_requests/${mr.iid}`}">!${mr.iid} ${mr.title}</a> (${mr.state})</li>`);
    const commitForm =
      who !== undefined && this.#state.canPush(project, who)
        ? html`<form method="post" action="${`${base}/-/commits`}"><input type="hidden" name="branch" value="${name}"><button type="submit"${committed ? '' : html` autofocus`}>Commit to this branch</button></form>`
        : who
          ? html`<p>You cannot push to this project.</p>`
          : html`<p><a href="${`/users/sign_in?redirect_to=${encodeURIComponent(here)}`}">Sign in</a> to commit to this branch.</p>`;
    return this.#page(
      request,
      `${name} · ${project.path}`,
      html`<p><a href="${base}">${project.path}</a></p>
<h1>Branch ${name}</h1>
${committed ? html`<p class="flash" role="status" id="commit-result" tabindex="-1" autofocus>Committed ${branch.commit.id.slice(0, 8)} to ${name}.</p>` : ''}
<dl><dt>Latest commit</dt><dd><code id="head-commit">${branch.commit.id}</code> ${branch.commit.title}</dd>
<dt>Created by</dt><dd>${branch.createdBy ?? 'seeded with the project'}</dd></dl>
${commitForm}
<h2>Merge requests from this branch</h2>${mrs.length ? html`<ul>${mrs}</ul>` : html`<p>None yet.</p>`}`,
    );
  }

  #commit(request: SimRequest, path: string): SimResponse {
    const who = this.sessions.who(request);
    const project = this.#visible(request, path);
    const name = formFields(request).get('branch') ?? '';
    const branch = project?.branches.get(name);
    if (!project || !branch) return notFoundPage(SITE);
    if (!who) return seeOther(`/users/sign_in?redirect_to=${encodeURIComponent(`/${project.path}/-/tree/${encodePath(name)}`)}`);
    if (!this.#state.canPush(project, who)) return this.#page(request, 'Cannot push', html`<h1>You cannot push to ${project.path}</h1>`, 403);
    const commit = { id: randomCommitId(), title: `Work on ${name}`, createdAt: this.#state.nowIso() };
    project.branches.set(name, { ...branch, commit });
    return seeOther(`/${project.path}/-/tree/${encodePath(name)}?committed=${commit.id}`);
  }

  #mergeRequestPage(request: SimRequest, path: string, iid: number): SimResponse {
    const project = this.#visible(request, path);
    const mr = project?.mergeRequests.find((m) => m.iid === iid);
    if (!project || !mr) return notFoundPage(SITE);
    const base = `/${project.path}`;
    const state = mr.state === 'opened' ? 'Open' : mr.state === 'merged' ? 'Merged' : 'Closed';
    return this.#page(
      request,
      `${mr.title} (!${mr.iid})`,
      html`<p><a href="${base}">${project.path}</a></p>
<h1>${mr.title} <span class="muted">!${mr.iid}</span></h1>
<p><strong id="pull-state">${state}</strong>: ${mr.createdBy} requested to merge <a href="${`${base}/-/tree/${encodePath(mr.sourceBranch)}`}">${mr.sourceBranch}</a> into <a href="${`${base}/-/tree/${encodePath(mr.targetBranch)}`}">${mr.targetBranch}</a></p>
${mr.description ? html`<h2>Description</h2><p>${mr.description}</p>` : ''}`,
    );
  }
}
