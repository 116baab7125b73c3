import type { SimResponse } from '../kit/loopback-server';
import { readContents, visibleRepository, writeContents } from './access-rules';
import { notSupplied, parseJsonObject, replyError, type RouteContext } from './route-context';
import { branchWithProtection, fullRepository, gitRef, validationError } from './wire-shapes';

const HEADS = 'heads/';
const REFS_HEADS = 'refs/heads/';

/** git check-ref-format's rules for one branch name, as git (and so GitHub) enforces them. */
const isValidBranchName = (name: string): boolean => {
  if (name === '' || name === '@' || name.startsWith('/') || name.endsWith('/') || name.endsWith('.') || name.endsWith('.lock')) return false;
  if (name.includes('..') || name.includes('//') || name.includes('@{')) return false;
  if (name.split('/').some((part) => part.startsWith('.'))) return false;
  return ![...name].some((char) => char.charCodeAt(0) <= 0x20 || char.charCodeAt(0) === 0x7f || '~^:?*[\\'.includes(char));
};

export const getRepository = (context: RouteContext): SimResponse => {
  const access = visibleRepository(context, 'getRepository');
  if (!access.granted) return access.response;
  const owner = context.state.user(access.repository.owner);
  if (!owner) return replyError(context, 404, 'Not Found', 'getRepository');
  return context.reply(200, fullRepository(context.view, access.repository, owner, access.role));
};

export const getRef = (context: RouteContext): SimResponse => {
  const access = readContents(context, 'getRef');
  if (!access.granted) return access.response;
  const { repository } = access;
  if (repository.branches.size === 0) return replyError(context, 409, 'Git Repository is empty.', 'getRef');
  const ref = context.params.rest;
  const branch = ref.startsWith(HEADS) ? repository.branches.get(ref.slice(HEADS.length)) : undefined;
  if (!branch) return replyError(context, 404, 'Not Found', 'getRef');
  return context.reply(200, gitRef(context.view, repository, ref.slice(HEADS.length), branch.commitId));
};

export const getBranch = (context: RouteContext): SimResponse => {
  const access = readContents(context, 'getBranch');
  if (!access.granted) return access.response;
  const name = context.params.rest;
  const branch = access.repository.branches.get(name);
  if (!branch) return replyError(context, 404, 'Branch not found', 'getBranch');
  return context.reply(200, branchWithProtection(context.view, access.repository, name, branch.commitId));
};

export const createRef = (context: RouteContext): SimResponse => {
  const access = writeContents(context, 'createRef');
  if (!access.granted) return access.response;
  const body = parseJsonObject(context.rawBody);
  if (!body) return replyError(context, 400, 'Problems parsing JSON', 'createRef');
  if (typeof body.ref !== 'string') return notSupplied(context, 'ref', 'createRef');
  if (typeof body.sha !== 'string') return notSupplied(context, 'sha', 'createRef');
  const { repository } = access;
  if (repository.branches.size === 0) return replyError(context, 409, 'Git Repository is empty.', 'createRef');
  const name = body.ref.startsWith(REFS_HEADS) ? body.ref.slice(REFS_HEADS.length) : undefined;
  if (name === undefined || !isValidBranchName(name)) return context.reply(422, validationError(context.view, 'Reference update failed', 'createRef'));
  if (!repository.commits.has(body.sha)) return context.reply(422, validationError(context.view, 'Object does not exist', 'createRef'));
  if (repository.branches.has(name)) return context.reply(422, validationError(context.view, 'Reference already exists', 'createRef'));
  repository.branches.set(name, { commitId: body.sha, createdBy: context.caller?.user.login ?? null });
  const created = gitRef(context.view, repository, name, body.sha);
  return context.reply(201, created, { location: String(created.url) });
};

export const deleteRef = (context: RouteContext): SimResponse => {
  const access = writeContents(context, 'deleteRef');
  if (!access.granted) return access.response;
  const { repository } = access;
  const ref = context.params.rest;
  const name = ref.startsWith(HEADS) ? ref.slice(HEADS.length) : undefined;
  if (name === undefined || !repository.branches.has(name)) return context.reply(422, validationError(context.view, 'Reference does not exist', 'deleteRef'));
  if (name === repository.defaultBranch) return context.reply(422, validationError(context.view, 'Cannot delete the default branch', 'deleteRef'));
  repository.branches.delete(name);
  return context.reply(204);
};
