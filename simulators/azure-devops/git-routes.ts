import { randomUUID } from 'node:crypto';
import type { SimRequest, SimResponse } from '../kit/loopback-server';
import { compareApiVersions, MAX_API_VERSION, parseApiVersion, requestedApiVersion } from '../../lambdas/hosts/azure-devops/api-version';
import { findLocation, PULL_REQUESTS_LOCATION_ID, REFS_LOCATION_ID, REPOSITORIES_LOCATION_ID } from '../../lambdas/hosts/azure-devops/resource-locations';
import { hasScope, refusal } from './sim-auth';
import { isObjectId, ZERO_OBJECT_ID } from '../../lambdas/hosts/azure-devops/ref-names';
import {
  type SimBranch,
  type SimCollection,
  type SimPullRequest,
  type SimRepository,
  type SimToken,
  type SimUser,
  type SimulatorState,
} from './simulator-state';
import {
  createBranchPermissionMessage,
  invalidArgument,
  methodNotAllowed,
  previewFlagRequired,
  projectNotFound,
  pullRequestExists,
  pullRequestNotFound,
  pullRequestStale,
  repositoryNotFound,
  versionNotSpecified,
  versionOutOfRange,
} from './tf-error';
import { gitRefJson, pullRequestJson, refUpdateResultJson, repositoryJson, wrapped, type RefUpdateOutcome } from './wire-shapes';

export interface GitRouteContext {
  readonly request: SimRequest;
  readonly collection: SimCollection;
  /** The collection URL as the client reached it. */
  readonly base: string;
  readonly user: SimUser;
  readonly token?: SimToken;
  readonly state: SimulatorState;
  readonly now: Date;
}

interface GitTarget {
  readonly project?: string;
  readonly repository: string;
  /** Segments after the repository: [], ['refs', ...filter], ['pullRequests', id?]. */
  readonly tail: readonly string[];
}

const ok = (status: number, body: unknown, version: string): SimResponse => ({
  status,
  headers: { 'content-type': `application/json; charset=utf-8; api-version=${version}` },
  body,
});

/** `{project}/_apis/git/repositories/{repo}/…` or the project-less `_apis/git/repositories/{repo}/…`. */
export const parseGitTarget = (segments: readonly string[]): GitTarget | undefined => {
  const apis = segments.findIndex((segment) => segment.toLowerCase() === '_apis');
  if (apis < 0 || apis > 1) return undefined;
  const [git, repositories, repository, ...tail] = segments.slice(apis + 1);
  if (git?.toLowerCase() !== 'git' || repositories?.toLowerCase() !== 'repositories' || !repository) return undefined;
  return { project: apis === 1 ? segments[0] : undefined, repository, tail };
};

const routeLocation = (tail: readonly string[]): string | undefined => {
  const resource = tail[0]?.toLowerCase();
  if (resource === undefined) return REPOSITORIES_LOCATION_ID;
  if (resource === 'refs') return REFS_LOCATION_ID;
  if (resource === 'pullrequests' && tail.length <= 2) return PULL_REQUESTS_LOCATION_ID;
  return undefined;
};

/** The server refuses versions above its own and released-only requests for preview-only resources. */
const versionProblem = (context: GitRouteContext, locationId: string): SimResponse | undefined => {
  const { request, collection } = context;
  const requested = requestedApiVersion(request.query, request.headers.accept);
  if (requested === undefined) return versionNotSpecified(request.method);
  const max = MAX_API_VERSION[collection.serverVersion];
  const parsed = parseApiVersion(requested);
  const maxParsed = parseApiVersion(max);
  if (!parsed || !maxParsed || compareApiVersions(parsed, maxParsed) > 0) return versionOutOfRange(requested, max);
  const released = parseApiVersion(findLocation(collection.serverVersion, 'git', locationId)?.releasedVersion ?? max);
  if (!parsed.preview && released && compareApiVersions(parsed, released) > 0) return previewFlagRequired(requested);
  return undefined;
};

const resolveRepository = (context: GitRouteContext, target: GitTarget): SimRepository | SimResponse => {
  const { state, collection } = context;
  if (target.project === undefined) return state.findRepositoryAnywhere(collection, target.repository) ?? repositoryNotFound(target.repository);
  if (!state.findProject(collection, target.project)) return projectNotFound(target.project);
  return state.findRepository(collection, target.project, target.repository) ?? repositoryNotFound(target.repository);
};

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** git check-ref-format, as far as the server enforces it. */
const isValidRefName = (name: string): boolean =>
  name.startsWith('refs/') &&
  !name.endsWith('/') &&
  !name.endsWith('.lock') &&
  !name.includes('..') &&
  !name.includes('@{') &&
  !/[\s~^:?*[\\]/.test(name) &&
  ![...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f) &&
  name.split('/').every((part) => part !== '' && !part.startsWith('.'));

const findRef = (repository: SimRepository, name: string): [string, SimBranch] | undefined =>
  [...repository.refs.entries()].find(([existing]) => existing.toLowerCase() === name.toLowerCase());

interface RefUpdateRequest {
  readonly name: string;
  readonly oldObjectId: string;
  readonly newObjectId: string;
}

const createRef = (repository: SimRepository, update: RefUpdateRequest, user: SimUser): RefUpdateOutcome => {
  const outcome = (updateStatus: string, customMessage?: string): RefUpdateOutcome => ({ ...update, updateStatus, customMessage });
  if (repository.createBranchDenied.has(user.login.toLowerCase())) return outcome('createBranchPermissionRequired', createBranchPermissionMessage(user.displayName));
  const existing = findRef(repository, update.name);
  if (existing) return outcome(existing[0] === update.name ? 'staleOldObjectId' : 'refNameConflict');
  if (!repository.commits.has(update.newObjectId.toLowerCase())) return outcome('unresolvableToCommit');
  repository.refs.set(update.name, { commitId: update.newObjectId.toLowerCase(), createdBy: user.login });
  return outcome('succeeded');
};

const deleteRef = (repository: SimRepository, update: RefUpdateRequest): RefUpdateOutcome => {
  const existing = findRef(repository, update.name);
  if (!existing) return { ...update, updateStatus: 'succeededNonExistentRef' };
  if (existing[1].commitId !== update.oldObjectId.toLowerCase()) return { ...update, updateStatus: 'staleOldObjectId' };
  repository.refs.delete(existing[0]);
  return { ...update, updateStatus: 'succeeded' };
};

const moveRef = (repository: SimRepository, update: RefUpdateRequest): RefUpdateOutcome => {
  const existing = findRef(repository, update.name);
  if (!existing || existing[1].commitId !== update.oldObjectId.toLowerCase()) return { ...update, updateStatus: 'staleOldObjectId' };
  if (!repository.commits.has(update.newObjectId.toLowerCase())) return { ...update, updateStatus: 'unresolvableToCommit' };
  repository.refs.set(existing[0], { ...existing[1], commitId: update.newObjectId.toLowerCase() });
  return { ...update, updateStatus: 'succeeded' };
};

const applyRefUpdate = (repository: SimRepository, update: RefUpdateRequest, user: SimUser): RefUpdateOutcome => {
  if (!isValidRefName(update.name)) return { ...update, updateStatus: 'invalidRefName' };
  if (update.oldObjectId === ZERO_OBJECT_ID) return createRef(repository, update, user);
  if (update.newObjectId === ZERO_OBJECT_ID) return deleteRef(repository, update);
  return moveRef(repository, update);
};

const parseRefUpdates = (rawBody: string): RefUpdateRequest[] | undefined => {
  const body = parseJson(rawBody);
  if (!Array.isArray(body) || body.length === 0) return undefined;
  const updates = body.map((item: unknown) => item as Partial<Record<keyof RefUpdateRequest, unknown>> | null);
  if (!updates.every((u) => u && typeof u.name === 'string' && isObjectId(u.oldObjectId) && isObjectId(u.newObjectId))) return undefined;
  return updates.map((u) => ({ name: u?.name as string, oldObjectId: u?.oldObjectId as string, newObjectId: u?.newObjectId as string }));
};

/** `$top`, `continuationToken` and `filterContains` on refs arrived with REST 5.0 (Azure DevOps Server 2019); older servers ignore them. */
const REFS_PAGING_SINCE = { major: 5, minor: 0 };
/** The refs route's own page limit when `$top` asks for more (the service caps a page; the token carries on). */
const MAX_REFS_PAGE = 1000;

const refsPagingSupported = (context: GitRouteContext): boolean => {
  const max = parseApiVersion(MAX_API_VERSION[context.collection.serverVersion]);
  return max !== undefined && compareApiVersions(max, REFS_PAGING_SINCE) >= 0;
};

const listRefs = (context: GitRouteContext, repository: SimRepository, pathFilter: readonly string[], version: string): SimResponse => {
  const { query } = context.request;
  const filter = query.get('filter') ?? (pathFilter.length > 0 ? pathFilter.join('/') : undefined);
  // The server matches `refs/` + filter as a prefix (GitRefsController.GetRefsInternal, StartsWith).
  const prefix = filter === undefined || filter.trim() === '' ? 'refs/' : `refs/${filter.trim()}`;
  const paging = refsPagingSupported(context);
  const contains = paging ? (query.get('filterContains') ?? '').toLowerCase() : '';
  let names = [...repository.refs.keys()]
    .filter((name) => name.toLowerCase().startsWith(prefix.toLowerCase()))
    .filter((name) => contains === '' || name.slice(prefix.length).toLowerCase().includes(contains))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const headers: Record<string, string> = {};
  if (paging) {
    const topText = query.get('$top');
    const top = topText === null ? undefined : Number(topText);
    if (top !== undefined && (!Number.isInteger(top) || top < 1)) return invalidArgument('$top');
    const token = query.get('continuationToken');
    if (token !== null) {
      const after = decodeContinuation(token);
      if (after === undefined) return invalidArgument('continuationToken');
      names = names.filter((name) => name >= after);
    }
    if (top !== undefined || token !== null) {
      const size = Math.min(top ?? MAX_REFS_PAGE, MAX_REFS_PAGE);
      const next = names[size];
      if (next !== undefined) headers['x-ms-continuationtoken'] = encodeContinuation(next);
      names = names.slice(0, size);
    }
  }
  const refs = names.flatMap((name) => {
    const branch = repository.refs.get(name);
    return branch ? [gitRefJson(context.base, repository, name, branch.commitId, context.state.ensureUser(branch.createdBy))] : [];
  });
  const answer = ok(200, wrapped(refs), version);
  return { ...answer, headers: { ...answer.headers, ...headers } };
};

/** The simulator's continuation token: the next ref name, base64url (the service's is opaque too). */
const encodeContinuation = (refName: string): string => Buffer.from(refName, 'utf8').toString('base64url');
const decodeContinuation = (token: string): string | undefined => {
  const decoded = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : '';
  return decoded.startsWith('refs/') ? decoded : undefined;
};

const updateRefs = (context: GitRouteContext, repository: SimRepository, version: string): SimResponse => {
  const updates = parseRefUpdates(context.request.rawBody);
  if (!updates) return invalidArgument('refUpdates');
  const outcomes = updates.map((update) => applyRefUpdate(repository, update, context.user));
  return ok(200, wrapped(outcomes.map((outcome) => refUpdateResultJson(repository, outcome))), version);
};

const branchCommit = (repository: SimRepository, refName: unknown): string | undefined =>
  typeof refName === 'string' && refName.startsWith('refs/heads/') ? findRef(repository, refName)?.[1].commitId : undefined;

const createPullRequest = (context: GitRouteContext, repository: SimRepository, version: string): SimResponse => {
  const body = parseJson(context.request.rawBody) as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') return invalidArgument('gitPullRequestToCreate');
  if (typeof body.sourceRefName !== 'string') return invalidArgument('sourceRefName');
  if (typeof body.targetRefName !== 'string') return invalidArgument('targetRefName');
  const sourceCommitId = branchCommit(repository, body.sourceRefName);
  const targetCommitId = branchCommit(repository, body.targetRefName);
  if (!sourceCommitId || !targetCommitId) return pullRequestStale();
  const duplicate = repository.pullRequests.some(
    (pr) => pr.status === 'active' && pr.sourceRefName === body.sourceRefName && pr.targetRefName === body.targetRefName,
  );
  if (duplicate) return pullRequestExists();
  const pullRequest: SimPullRequest = {
    id: context.collection.nextPullRequestId++,
    sourceRefName: body.sourceRefName,
    targetRefName: body.targetRefName,
    title: typeof body.title === 'string' ? body.title : '',
    description: typeof body.description === 'string' ? body.description : undefined,
    status: 'active',
    createdBy: context.user.login,
    creationDate: context.now,
    mergeId: randomUUID(),
    sourceCommitId,
    targetCommitId,
  };
  repository.pullRequests.push(pullRequest);
  return ok(201, pullRequestJson(context.base, repository, pullRequest, context.user), version);
};

const getPullRequest = (context: GitRouteContext, repository: SimRepository, id: string, version: string): SimResponse => {
  const pullRequest = repository.pullRequests.find((pr) => String(pr.id) === id);
  if (!pullRequest) return pullRequestNotFound();
  return ok(200, pullRequestJson(context.base, repository, pullRequest, context.state.ensureUser(pullRequest.createdBy)), version);
};

// --- Pull Requests - Get Pull Requests (searchCriteria.sourceRefName/targetRefName/status; default status active), one page ---

const PULL_REQUEST_STATUSES = new Set(['active', 'abandoned', 'completed', 'all']);
const PULL_REQUEST_STATUS_NUMBERS: Readonly<Record<string, string>> = { '1': 'active', '2': 'abandoned', '3': 'completed', '4': 'all' };

const listPullRequests = (context: GitRouteContext, repository: SimRepository, version: string): SimResponse => {
  const { query } = context.request;
  // Azure binds the enum by name or by number (PullRequestStatus: 1 active, 2 abandoned, 3 completed, 4 all), as the node client sends it.
  const rawStatus = (query.get('searchCriteria.status') ?? 'active').toLowerCase();
  const status = PULL_REQUEST_STATUS_NUMBERS[rawStatus] ?? rawStatus;
  if (!PULL_REQUEST_STATUSES.has(status)) return invalidArgument('searchCriteria.status');
  const source = query.get('searchCriteria.sourceRefName');
  const target = query.get('searchCriteria.targetRefName');
  const top = Number(query.get('$top') ?? 101);
  if (!Number.isInteger(top) || top < 0) return invalidArgument('$top');
  const found = repository.pullRequests
    .filter((pr) => (status === 'all' || pr.status === status) && (source === null || pr.sourceRefName === source) && (target === null || pr.targetRefName === target))
    .slice(0, top)
    .map((pr) => pullRequestJson(context.base, repository, pr, context.state.ensureUser(pr.createdBy)));
  return ok(200, wrapped(found), version);
};

const dispatch = (context: GitRouteContext, repository: SimRepository, tail: readonly string[], version: string): SimResponse => {
  const { method } = context.request;
  const resource = tail[0]?.toLowerCase();
  if (resource === undefined) return method === 'GET' ? ok(200, repositoryJson(context.base, repository), version) : methodNotAllowed(method);
  if (resource === 'refs') {
    if (method === 'GET') return listRefs(context, repository, tail.slice(1), version);
    return method === 'POST' ? updateRefs(context, repository, version) : methodNotAllowed(method);
  }
  if (tail[1] !== undefined) return method === 'GET' ? getPullRequest(context, repository, tail[1], version) : methodNotAllowed(method);
  if (method === 'GET') return listPullRequests(context, repository, version);
  return method === 'POST' ? createPullRequest(context, repository, version) : methodNotAllowed(method);
};

// --- Pickers: GET {collection}[/{project}]/_apis/git/repositories (every repository; the route has no paging) ---

const isRepositoryListPath = (segments: readonly string[]): boolean => {
  const apis = segments.findIndex((segment) => segment.toLowerCase() === '_apis');
  const rest = segments.slice(apis + 1).map((segment) => segment.toLowerCase());
  return (apis === 0 || apis === 1) && rest.length === 2 && rest[0] === 'git' && rest[1] === 'repositories';
};

const listRepositories = (context: GitRouteContext, segments: readonly string[]): SimResponse => {
  const versionRefusal = versionProblem(context, REPOSITORIES_LOCATION_ID);
  if (versionRefusal) return versionRefusal;
  if (!hasScope(context.token, 'vso.code')) return refusal(context.request, context.collection, 'scope');
  const projectName = segments[0]?.toLowerCase() === '_apis' ? undefined : segments[0];
  const { state, collection } = context;
  const project = projectName === undefined ? undefined : state.findProject(collection, projectName);
  if (projectName !== undefined && !project) return projectNotFound(projectName);
  const repositories = (project ? [project] : collection.projects).flatMap((p) => p.repositories);
  if (context.request.method !== 'GET') return methodNotAllowed(context.request.method);
  return ok(200, wrapped(repositories.map((repository) => repositoryJson(context.base, repository))), MAX_API_VERSION[collection.serverVersion]);
};

/** Refs, pull requests and repositories of the git area; undefined when the path is not one of them. */
export const gitRoute = (context: GitRouteContext, segments: readonly string[]): SimResponse | undefined => {
  if (isRepositoryListPath(segments)) return listRepositories(context, segments);
  const target = parseGitTarget(segments);
  if (!target) return undefined;
  const locationId = routeLocation(target.tail);
  if (!locationId) return undefined;
  const versionRefusal = versionProblem(context, locationId);
  if (versionRefusal) return versionRefusal;
  const needed = context.request.method === 'GET' ? 'vso.code' : 'vso.code_write';
  if (!hasScope(context.token, needed)) return refusal(context.request, context.collection, 'scope');
  const repository = resolveRepository(context, target);
  if ('status' in repository) return repository;
  return dispatch(context, repository, target.tail, MAX_API_VERSION[context.collection.serverVersion]);
};
