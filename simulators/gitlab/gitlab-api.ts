import type { SimRequest, SimResponse } from '../kit/loopback-server';
import { branchEntity, mergeRequestEntity, projectEntity, tokenEntity, userEntity } from './gitlab-entities';
import type { GitLabSimState, SimProject, SimToken, SimUser } from './gitlab-sim-state';
import { matchPathPattern } from './match-path-pattern';
import { offsetPage, pagingProblem } from './offset-pages';

/**
 * The GitLab REST v4 routes the simulator serves under `/api/v4`, with GitLab's own status codes
 * and bodies: Grape's `{"error": …}` for routing and parameter errors, `{"message": …}` from
 * `render_api_error!`, and rack-oauth2's `invalid_token` / `insufficient_scope` for token problems
 * (lib/api/api_guard.rb, lib/api/branches.rb, app/services/branches/*, merge request helpers).
 */
export const API_PREFIX = '/api/v4';

export interface GitLabApiContext {
  readonly state: GitLabSimState;
  readonly baseUrl: string;
  /** GitLab before 15.5 has no `GET /personal_access_tokens/self`. */
  readonly tokenSelfEndpoint: boolean;
}

interface Caller {
  readonly user: SimUser;
  readonly token: SimToken;
}

interface RouteCall {
  readonly context: GitLabApiContext;
  readonly params: Readonly<Record<string, string>>;
  readonly input: Readonly<Record<string, string>>;
  readonly caller: Caller;
}

interface Route {
  readonly method: string;
  readonly pattern: readonly string[];
  /** Token scopes that may call the route; absent means any scope. */
  readonly scopes?: readonly string[];
  readonly handle: (call: RouteCall) => SimResponse;
}

const READ_SCOPES = ['api', 'read_api'] as const;
const WRITE_SCOPES = ['api'] as const;
const OAUTH_REALM = 'Protected by OAuth 2.0';

const message = (status: number, text: unknown): SimResponse => ({ status, body: { message: text } });
const grapeError = (status: number, text: string): SimResponse => ({ status, body: { error: text } });

const UNAUTHORIZED = message(401, '401 Unauthorized');
const FORBIDDEN = message(403, '403 Forbidden');
const PROJECT_NOT_FOUND = message(404, '404 Project Not Found');
const BRANCH_NOT_FOUND = message(404, '404 Branch Not Found');

const invalidToken = (description: string): SimResponse => ({
  status: 401,
  headers: { 'www-authenticate': `Bearer realm="${OAUTH_REALM}", error="invalid_token", error_description="${description}"` },
  body: { error: 'invalid_token', error_description: description },
});

const insufficientScope = (scopes: readonly string[]): SimResponse => ({
  status: 403,
  body: {
    error: 'insufficient_scope',
    error_description: 'The request requires higher privileges than provided by the access token.',
    scope: scopes.join(' '),
  },
});

/** Git's check-ref-format rules as GitLab applies them to new branch names (Gitlab::GitRefValidator). */
const isValidBranchName = (name: string): boolean => {
  if (name === '' || name === 'HEAD' || name === '@') return false;
  if (name.startsWith('-') || name.startsWith('refs/') || name.endsWith('/') || name.endsWith('.')) return false;
  if ([...name].some((char) => char.charCodeAt(0) <= 0x20 || char.charCodeAt(0) === 0x7f)) return false;
  if (/[~^:?*[\\]/.test(name) || name.includes('..') || name.includes('//') || name.includes('@{')) return false;
  return name.split('/').every((part) => !part.startsWith('.') && !part.endsWith('.lock'));
};

/** Grape's message for absent or blank required parameters, e.g. `branch is missing, ref is empty`. */
const missingParams = (input: Readonly<Record<string, string>>, names: readonly string[]): SimResponse | undefined => {
  const problems = names.flatMap((name) => {
    const value = input[name];
    if (value === undefined) return [`${name} is missing`];
    return value.trim() === '' ? [`${name} is empty`] : [];
  });
  return problems.length > 0 ? grapeError(400, problems.join(', ')) : undefined;
};

const isProject = (value: SimProject | SimResponse): value is SimProject => 'branches' in value;

const visibleProject = (call: RouteCall): SimProject | SimResponse => {
  const project = call.context.state.project(call.params.id ?? '');
  if (!project || !call.context.state.canSee(project, call.caller.user.username)) return PROJECT_NOT_FOUND;
  return project;
};

/** The `before` blocks of the repository routes: project visible, then `authorize! :download_code`. */
const codeProject = (call: RouteCall): SimProject | SimResponse => {
  const project = visibleProject(call);
  if (!isProject(project)) return project;
  return call.context.state.canReadCode(project, call.caller.user.username) ? project : FORBIDDEN;
};

const getUser = ({ caller, context }: RouteCall): SimResponse => ({ status: 200, body: userEntity(caller.user, context.baseUrl) });

const getTokenSelf = ({ caller, context }: RouteCall): SimResponse => ({
  status: 200,
  body: tokenEntity(caller.token, caller.user.id, context.state.tokenStatus(caller.token) === 'active'),
});

const getProject = (call: RouteCall): SimResponse => {
  const project = visibleProject(call);
  return isProject(project) ? { status: 200, body: projectEntity(project, call.context.baseUrl) } : project;
};

const getBranch = (call: RouteCall): SimResponse => {
  const project = codeProject(call);
  if (!isProject(project)) return project;
  const branch = project.branches.get(call.params.branch ?? '');
  if (!branch) return BRANCH_NOT_FOUND;
  const canPush = call.context.state.canPush(project, call.caller.user.username);
  return { status: 200, body: branchEntity(project, branch, canPush, call.context.baseUrl) };
};

const createBranch = (call: RouteCall): SimResponse => {
  const project = codeProject(call);
  if (!isProject(project)) return project;
  const invalid = missingParams(call.input, ['branch', 'ref']);
  if (invalid) return invalid;
  const { state, baseUrl } = call.context;
  const username = call.caller.user.username;
  if (!state.canPush(project, username)) return FORBIDDEN;
  const name = call.input.branch ?? '';
  const ref = call.input.ref ?? '';
  if (!isValidBranchName(name)) return message(400, 'Branch name is invalid');
  if (project.branches.has(name)) return message(400, 'Branch already exists');
  const commit = state.resolveRef(project, ref);
  if (!commit) return message(400, `Failed to create branch '${name}': invalid reference name '${ref}'`);
  const branch = state.addBranch(project, name, commit, username);
  return { status: 201, body: branchEntity(project, branch, true, baseUrl) };
};

const deleteBranch = (call: RouteCall): SimResponse => {
  const project = codeProject(call);
  if (!isProject(project)) return project;
  if (!call.context.state.canPush(project, call.caller.user.username)) return FORBIDDEN;
  const name = call.params.branch ?? '';
  if (!project.branches.has(name)) return BRANCH_NOT_FOUND;
  // Gitaly's pre-receive check refuses this one; the API passes its text on as a 400.
  if (name === project.defaultBranch) return message(400, 'The default branch of a project cannot be deleted.');
  project.branches.delete(name);
  return { status: 204 };
};

const mergeRequestProblem = (project: SimProject, source: string, target: string): SimResponse | undefined => {
  if (source === target) return message(422, ['You must select different branches']);
  if (!project.branches.has(source)) return message(422, [`Source branch "${source}" does not exist`]);
  if (!project.branches.has(target)) return message(422, [`Target branch "${target}" does not exist`]);
  const open = project.mergeRequests.find((mr) => mr.state === 'opened' && mr.sourceBranch === source && mr.targetBranch === target);
  return open ? message(409, [`Another open merge request already exists for this source branch: !${open.iid}`]) : undefined;
};

const createMergeRequest = (call: RouteCall): SimResponse => {
  const project = visibleProject(call);
  if (!isProject(project)) return project;
  const invalid = missingParams(call.input, ['source_branch', 'target_branch', 'title']);
  if (invalid) return invalid;
  const { state, baseUrl } = call.context;
  const { user } = call.caller;
  if (!state.canPush(project, user.username)) return FORBIDDEN;
  const source = call.input.source_branch ?? '';
  const target = call.input.target_branch ?? '';
  const problem = mergeRequestProblem(project, source, target);
  if (problem) return problem;
  const mergeRequest = state.addMergeRequest(project, {
    title: call.input.title ?? '',
    description: call.input.description ?? null,
    sourceBranch: source,
    targetBranch: target,
    sha: project.branches.get(source)?.commit.id ?? '',
    createdBy: user.username,
  });
  return { status: 201, body: mergeRequestEntity(project, mergeRequest, user, baseUrl) };
};

// --- Picker lists (GET /projects, GET /projects/:id/repository/branches), paged with GitLab's offset headers ---

/** `GET /projects?membership=true`: projects the user is a member of; `search` as GitLab's (name or path; with `search_namespaces`, the full path). */
const listProjects = (call: RouteCall): SimResponse => {
  const username = call.caller.user.username;
  const { input } = call;
  const invalid = pagingProblem(input);
  if (invalid) return grapeError(400, invalid);
  const search = (input.search ?? '').toLowerCase();
  const searchNamespaces = input.search_namespaces === 'true';
  const projects = call.context.state
    .allProjects()
    .filter((project) => (input.membership === 'true' ? project.members.has(username) : call.context.state.canSee(project, username)))
    .filter((project) => {
      if (search === '') return true;
      const name = project.path.slice(project.path.lastIndexOf('/') + 1).toLowerCase();
      return searchNamespaces ? project.path.toLowerCase().includes(search) : name.includes(search);
    })
    .reverse(); // order_by=created_at, sort=desc: GitLab's default
  return offsetPage(call.context.baseUrl, 'projects', input, projects.map((project) => projectEntity(project, call.context.baseUrl)));
};

/** `GET /projects/:id/repository/branches`: by name, `search` a substring (GitLab also reads ^ and $ anchors; branch names hold neither). */
const listBranches = (call: RouteCall): SimResponse => {
  const project = codeProject(call);
  if (!isProject(project)) return project;
  const invalid = pagingProblem(call.input);
  if (invalid) return grapeError(400, invalid);
  const search = (call.input.search ?? '').toLowerCase();
  const canPush = call.context.state.canPush(project, call.caller.user.username);
  const branches = [...project.branches.values()]
    .filter((branch) => branch.name.toLowerCase().includes(search))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((branch) => branchEntity(project, branch, canPush, call.context.baseUrl));
  return offsetPage(call.context.baseUrl, `projects/${project.id}/repository/branches`, call.input, branches);
};

// --- GET /projects/:id/merge_requests: state (default all), source_branch, target_branch; paged with offset headers ---

const MERGE_REQUEST_STATES = new Set(['opened', 'closed', 'locked', 'merged', 'all']);

const listMergeRequests = (call: RouteCall): SimResponse => {
  const project = codeProject(call);
  if (!isProject(project)) return project;
  const invalid = pagingProblem(call.input);
  if (invalid) return grapeError(400, invalid);
  const wanted = call.input.state ?? 'all';
  if (!MERGE_REQUEST_STATES.has(wanted)) return grapeError(400, 'state does not have a valid value');
  const { source_branch: source, target_branch: target } = call.input;
  const { state, baseUrl } = call.context;
  const found = project.mergeRequests
    .filter((mr) => (wanted === 'all' || mr.state === wanted) && (source === undefined || mr.sourceBranch === source) && (target === undefined || mr.targetBranch === target))
    .reverse() // order_by=created_at, sort=desc: GitLab's default
    .map((mr) => mergeRequestEntity(project, mr, state.user(mr.createdBy) ?? call.caller.user, baseUrl));
  return offsetPage(baseUrl, `projects/${project.id}/merge_requests`, call.input, found);
};

const ROUTES: readonly Route[] = [
  { method: 'GET', pattern: ['projects'], scopes: READ_SCOPES, handle: listProjects },
  { method: 'GET', pattern: ['projects', ':id', 'repository', 'branches'], scopes: READ_SCOPES, handle: listBranches },
  { method: 'GET', pattern: ['user'], scopes: [...READ_SCOPES, 'read_user'], handle: getUser },
  { method: 'GET', pattern: ['personal_access_tokens', 'self'], handle: getTokenSelf },
  { method: 'GET', pattern: ['projects', ':id'], scopes: READ_SCOPES, handle: getProject },
  { method: 'GET', pattern: ['projects', ':id', 'repository', 'branches', ':branch'], scopes: READ_SCOPES, handle: getBranch },
  { method: 'POST', pattern: ['projects', ':id', 'repository', 'branches'], scopes: WRITE_SCOPES, handle: createBranch },
  { method: 'DELETE', pattern: ['projects', ':id', 'repository', 'branches', ':branch'], scopes: WRITE_SCOPES, handle: deleteBranch },
  { method: 'POST', pattern: ['projects', ':id', 'merge_requests'], scopes: WRITE_SCOPES, handle: createMergeRequest },
  { method: 'GET', pattern: ['projects', ':id', 'merge_requests'], scopes: READ_SCOPES, handle: listMergeRequests },
];

/** Query string and body (JSON or form) merged, as Grape's `params`. */
const requestInput = (request: SimRequest): Record<string, string> | undefined => {
  const input: Record<string, string> = Object.fromEntries(request.query.entries());
  if (request.rawBody.trim() === '') return input;
  if ((request.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
    return { ...input, ...Object.fromEntries(new URLSearchParams(request.rawBody).entries()) };
  }
  try {
    const parsed = JSON.parse(request.rawBody) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    const fields = Object.entries(parsed).filter(([, value]) => value !== null && value !== undefined);
    return { ...input, ...Object.fromEntries(fields.map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)])) };
  } catch {
    return undefined;
  }
};

const presentedToken = (request: SimRequest): string | undefined => {
  const privateToken = request.headers['private-token'];
  if (privateToken) return privateToken;
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  return bearer?.[1] ?? request.query.get('private_token') ?? undefined;
};

/** GitLab's order (AccessTokenValidationService): unknown, expired, revoked, then scope. */
const authenticate = (context: GitLabApiContext, request: SimRequest, route: Route): Caller | SimResponse => {
  const value = presentedToken(request);
  const token = value === undefined ? undefined : context.state.token(value);
  const user = token ? context.state.user(token.username) : undefined;
  if (!token || !user) return UNAUTHORIZED;
  const status = context.state.tokenStatus(token);
  if (status === 'expired') return invalidToken('Token is expired. You can either do re-authorization or token refresh.');
  if (status === 'revoked') return invalidToken('Token was revoked. You have to re-authorize from the user.');
  if (route.scopes && !route.scopes.some((scope) => token.scopes.includes(scope))) return insufficientScope(route.scopes);
  token.lastUsedAt = context.state.nowIso();
  return { user, token };
};

const isCaller = (value: Caller | SimResponse): value is Caller => 'token' in value && 'user' in value;

const availableRoutes = (context: GitLabApiContext): readonly Route[] =>
  context.tokenSelfEndpoint ? ROUTES : ROUTES.filter((route) => route.handle !== getTokenSelf);

export const handleGitLabApi = (context: GitLabApiContext, request: SimRequest): SimResponse => {
  const segments = request.path.slice(API_PREFIX.length + 1).split('/');
  const matches = availableRoutes(context).flatMap((route) => {
    const params = matchPathPattern(route.pattern, segments);
    return params ? [{ route, params }] : [];
  });
  if (matches.length === 0) return grapeError(404, '404 Not Found');
  const match = matches.find(({ route }) => route.method === request.method);
  if (!match) return grapeError(405, '405 Not Allowed');
  const caller = authenticate(context, request, match.route);
  if (!isCaller(caller)) return caller;
  const input = requestInput(request);
  if (!input) return grapeError(400, 'The request body is not valid JSON');
  return match.route.handle({ context, params: match.params, input, caller });
};
