import type { SimResponse } from '../../simulator-kit/loopback-server';
import { writePullRequests } from './access-rules';
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
