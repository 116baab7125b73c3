import type { SimResponse } from '../kit/loopback-server';
import { visibleRepository } from './access-rules';
import { replyError, type RouteContext } from './route-context';
import type { SimRepository } from './simulator-state';
import { repositoryShape } from './wire-shapes';

/** GitHub's list pages: `per_page` defaults to 30 and is capped at 100; `page` counts from 1. */
const DEFAULT_PER_PAGE = 30;
const MAX_PER_PAGE = 100;

const positiveInteger = (value: string | null, fallback: number): number => {
  const parsed = value === null ? Number.NaN : Number(value);
  return Number.isInteger(parsed) && parsed >= 1 ? parsed : fallback;
};

/**
 * One page of `items` and GitHub's `Link` header (`prev`, `next`, `last`, `first`, as GitHub orders
 * them; none when everything fits on one page). The links repeat the request's own query.
 */
const paginate = <T>(context: RouteContext, items: readonly T[]): { page: readonly T[]; headers: Record<string, string> } => {
  const perPage = Math.min(positiveInteger(context.query.get('per_page'), DEFAULT_PER_PAGE), MAX_PER_PAGE);
  const page = positiveInteger(context.query.get('page'), 1);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const link = (target: number, rel: string): string => {
    const query = new URLSearchParams(context.query);
    query.set('page', String(target));
    return `<${context.view.apiBase}${context.path}?${query.toString()}>; rel="${rel}"`;
  };
  const links = [
    ...(page > 1 ? [link(Math.min(page - 1, lastPage), 'prev')] : []),
    ...(page < lastPage ? [link(page + 1, 'next'), link(lastPage, 'last')] : []),
    ...(page > 1 ? [link(1, 'first')] : []),
  ];
  return { page: items.slice((page - 1) * perPage, page * perPage), headers: links.length > 0 ? { link: links.join(', ') } : {} };
};

const byFullName = (a: SimRepository, b: SimRepository): number =>
  `${a.owner}/${a.name}`.toLowerCase().localeCompare(`${b.owner}/${b.name}`.toLowerCase());

/**
 * `GET /user/repos`: the repositories the token's user owns or collaborates on (organisation
 * membership is modelled as collaboration). A classic token without `repo` sees only public ones.
 * `sort` is `full_name` (ascending) by default; `created`, `updated` and `pushed` sort newest first.
 */
export const listRepositoriesForUser = (context: RouteContext): SimResponse => {
  const caller = context.caller;
  if (!caller) return replyError(context, 401, 'Requires authentication', 'listRepositoriesForUser');
  const classicWithoutRepo = caller.token.kind === 'classic' && !caller.token.scopes.includes('repo');
  const login = caller.user.login.toLowerCase();
  const mine = context.state
    .allRepositories()
    .filter((repository) => repository.owner.toLowerCase() === login || repository.collaborators.has(login))
    .filter((repository) => !(repository.private && classicWithoutRepo));
  const sort = context.query.get('sort') ?? 'full_name';
  const ordered = sort === 'full_name' ? [...mine].sort(byFullName) : [...mine].reverse();
  const { page, headers } = paginate(context, ordered);
  const body = page.map((repository) => {
    const owner = context.state.user(repository.owner);
    const role = context.state.roleOf(repository, caller.user.login);
    return {
      ...(owner ? repositoryShape(context.view, repository, owner) : {}),
      permissions: { admin: role === 'admin', maintain: role === 'admin', push: role === 'admin' || role === 'write', triage: role !== undefined, pull: role !== undefined },
    };
  });
  return context.reply(200, body, headers);
};

/** `GET /repos/{owner}/{repo}/branches`: `short-branch` items in name order, paged like every list. */
export const listBranches = (context: RouteContext): SimResponse => {
  const access = visibleRepository(context, 'listBranches');
  if (!access.granted) return access.response;
  const { repository } = access;
  const names = [...repository.branches.keys()].sort();
  const { page, headers } = paginate(context, names);
  const api = `${context.view.apiBase}/repos/${repository.owner}/${repository.name}`;
  const body = page.map((name) => {
    const sha = repository.branches.get(name)?.commitId ?? '';
    return { name, commit: { sha, url: `${api}/commits/${sha}` }, protected: false };
  });
  return context.reply(200, body, headers);
};
