import type { SimResponse } from '../kit/loopback-server';
import { visibleRepository, writePullRequests } from './access-rules';
import { notSupplied, parseJsonObject, replyError, type RouteContext } from './route-context';
import type { SimRepository } from './simulator-state';
import { pullRequest, validationError } from './wire-shapes';

const invalid = (context: RouteContext, errors: readonly Record<string, unknown>[]): SimResponse =>
  context.reply(422, validationError(context.view, 'Validation Failed', 'createPull', errors));

/** `head` may name a branch of this repository or `owner:branch`; a fork's branch is not modelled. */
const headBranch = (repository: SimRepository, head: string): string | undefined => {
  const colon = head.indexOf(':');
  if (colon < 0) return head;
  return head.slice(0, colon).toLowerCase() === repository.owner.toLowerCase() ? head.slice(colon + 1) : undefined;
};

const authorAssociation = (repository: SimRepository, login: string): 'OWNER' | 'COLLABORATOR' | 'NONE' => {
  if (login.toLowerCase() === repository.owner.toLowerCase()) return 'OWNER';
  return repository.collaborators.has(login.toLowerCase()) ? 'COLLABORATOR' : 'NONE';
};

export const createPull = (context: RouteContext): SimResponse => {
  const access = writePullRequests(context, 'createPull');
  if (!access.granted) return access.response;
  const body = parseJsonObject(context.rawBody);
  if (!body) return replyError(context, 400, 'Problems parsing JSON', 'createPull');
  if (typeof body.head !== 'string') return notSupplied(context, 'head', 'createPull');
  if (typeof body.base !== 'string') return notSupplied(context, 'base', 'createPull');
  if (typeof body.title !== 'string' || body.title === '') return invalid(context, [{ resource: 'Issue', code: 'missing_field', field: 'title' }]);
  const { repository } = access;
  const head = headBranch(repository, body.head);
  const headRef = head === undefined ? undefined : repository.branches.get(head);
  if (head === undefined || !headRef) return invalid(context, [{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
  const baseRef = repository.branches.get(body.base);
  if (!baseRef) return invalid(context, [{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
  // GitHub refuses a pull request whose head adds nothing to its base.
  if (headRef.commitId === baseRef.commitId) {
    return invalid(context, [{ resource: 'PullRequest', code: 'custom', message: `No commits between ${body.base} and ${head}` }]);
  }
  if (repository.pulls.some((pull) => pull.state === 'open' && pull.head === head && pull.base === body.base)) {
    return invalid(context, [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${repository.owner}:${head}.` }]);
  }
  const caller = context.caller;
  const owner = context.state.user(repository.owner);
  if (!caller || !owner) return replyError(context, 404, 'Not Found', 'createPull');
  const pull = context.state.allocatePullRequest(repository, {
    title: body.title,
    body: typeof body.body === 'string' ? body.body : null,
    head,
    base: body.base,
    headSha: headRef.commitId,
    baseSha: baseRef.commitId,
    draft: body.draft === true,
    createdBy: caller.user.login,
  });
  const parties = { repository, owner, author: caller.user, authorAssociation: authorAssociation(repository, caller.user.login) };
  const created = pullRequest(context.view, parties, pull);
  return context.reply(201, created, { location: String(created.url) });
};

// --- List pull requests (GET /repos/{owner}/{repo}/pulls): state, head (`owner:branch`) and base filters, one page ---

const PULL_STATES = new Set(['open', 'closed', 'all']);

export const listPulls = (context: RouteContext): SimResponse => {
  const access = visibleRepository(context, 'listPulls');
  if (!access.granted) return access.response;
  const { repository } = access;
  const state = context.query.get('state') ?? 'open';
  // GitHub answers 422 for a state outside its enum.
  if (!PULL_STATES.has(state)) return context.reply(422, validationError(context.view, 'Validation Failed', 'listPulls', [{ resource: 'Issue', field: 'state', code: 'invalid' }]));
  const headFilter = context.query.get('head');
  // `head` is `user:ref-name`; GitHub matches nothing when the user is not the head repository's owner.
  const head = headFilter === null ? undefined : headFilter.includes(':') ? headBranch(repository, headFilter) ?? '\u0000' : headFilter;
  const base = context.query.get('base');
  const owner = context.state.user(repository.owner);
  if (!owner) return replyError(context, 404, 'Not Found', 'listPulls');
  const perPage = Math.min(Math.max(Number(context.query.get('per_page') ?? 30) || 30, 1), 100);
  const pulls = repository.pulls
    .filter((pull) => (state === 'all' || pull.state === state) && (head === undefined || pull.head === head) && (base === null || pull.base === base))
    .slice(0, perPage)
    .map((pull) => {
      const author = context.state.user(pull.createdBy) ?? owner;
      return pullRequest(context.view, { repository, owner, author, authorAssociation: authorAssociation(repository, author.login) }, pull);
    });
  return context.reply(200, pulls);
};
