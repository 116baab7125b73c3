import type { SimResponse } from '../kit/loopback-server';
import { replyError, type Caller, type RouteContext } from './route-context';
import { atLeast, type PermissionLevel, type RepositoryPermission, type SimRepository } from './simulator-state';
import type { DocsPage } from './wire-shapes';

export type Access =
  | { readonly granted: true; readonly repository: SimRepository; readonly role: RepositoryPermission }
  | { readonly granted: false; readonly response: SimResponse };

const FINE_GRAINED_REFUSAL = 'Resource not accessible by personal access token';

const denied = (response: SimResponse): Access => ({ granted: false, response });

/** GitHub hides what a caller may not see: a missing repository and an invisible one are the same 404. */
const notFound = (context: RouteContext, page: DocsPage): Access => denied(replyError(context, 404, 'Not Found', page));

const classicScopeCovers = (caller: Caller, repository: SimRepository): boolean =>
  caller.token.scopes.includes('repo') || (!repository.private && caller.token.scopes.includes('public_repo'));

const hasLevel = (granted: PermissionLevel | undefined, needed: PermissionLevel): boolean =>
  granted === 'write' || (granted === 'read' && needed === 'read');

/** The repository when the caller may see it; private repositories need the classic `repo` scope too. */
export const visibleRepository = (context: RouteContext, page: DocsPage): Access => {
  const { owner, repo } = context.params;
  const repository = context.state.repository(owner, repo);
  if (!repository) return notFound(context, page);
  const role = context.state.roleOf(repository, context.caller?.user.login);
  if (!role) return notFound(context, page);
  const caller = context.caller;
  if (repository.private && caller?.token.kind === 'classic' && !caller.token.scopes.includes('repo')) return notFound(context, page);
  return { granted: true, repository, role };
};

/**
 * A fine-grained token lacking a permission gets 403 naming the permission it needs; a classic token
 * lacking scope or push rights gets 404, so that nothing tells a private repository exists.
 */
const refuseFineGrained = (context: RouteContext, page: DocsPage, permission: string): Access =>
  denied(replyError(context, 403, FINE_GRAINED_REFUSAL, page, { 'x-accepted-github-permissions': permission }));

const requireCaller = (context: RouteContext, access: Access, page: DocsPage, check: (caller: Caller, repository: SimRepository, role: RepositoryPermission) => Access): Access => {
  if (!access.granted) return access;
  const caller = context.caller;
  if (!caller) return denied(replyError(context, 401, 'Requires authentication', page));
  return check(caller, access.repository, access.role);
};

export const readContents = (context: RouteContext, page: DocsPage): Access => {
  const access = visibleRepository(context, page);
  if (!access.granted || context.caller?.token.kind !== 'fine-grained') return access;
  return hasLevel(context.caller.token.permissions.contents, 'read') ? access : refuseFineGrained(context, page, 'contents=read');
};

export const writeContents = (context: RouteContext, page: DocsPage): Access =>
  requireCaller(context, visibleRepository(context, page), page, (caller, repository, role) => {
    if (caller.token.kind === 'fine-grained') {
      const allowed = hasLevel(caller.token.permissions.contents, 'write') && atLeast(role, 'write');
      return allowed ? { granted: true, repository, role } : refuseFineGrained(context, page, 'contents=write');
    }
    const allowed = classicScopeCovers(caller, repository) && atLeast(role, 'write');
    return allowed ? { granted: true, repository, role } : notFound(context, page);
  });

/** Anyone who can read a repository may open a pull request on it (GitHub's fork-and-PR model). */
export const writePullRequests = (context: RouteContext, page: DocsPage): Access =>
  requireCaller(context, visibleRepository(context, page), page, (caller, repository, role) => {
    if (caller.token.kind === 'fine-grained') {
      const allowed = hasLevel(caller.token.permissions.pull_requests, 'write');
      return allowed ? { granted: true, repository, role } : refuseFineGrained(context, page, 'pull_requests=write');
    }
    return classicScopeCovers(caller, repository) ? { granted: true, repository, role } : notFound(context, page);
  });
