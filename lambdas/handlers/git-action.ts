import * as z from 'zod';
import { AppError } from '../domain/errors';
import { integrationIdSchema, repositoryIdSchema } from '../domain/integration-schemas';
import { createApiHandler, type RouteDefinition, type RouteContext } from '../http/create-api-handler';
import { parseInput } from '../http/parse-input';
import { createBranchSchema, createPullRequestSchema, deleteBranchSchema, type GitAction } from '../services/git-action-service';
import { providersFor } from '../hosts/provider-registry';
import { integrationIdOf } from '../http/integration-id';
import { branchPickerQuerySchema, repositoryPickerQuerySchema, RepositoryBrowser } from '../services/repository-browser';
import { productionDependencies, type Dependencies } from '../wiring/dependencies';

const idempotencyKeyOf = (context: RouteContext): string | undefined => {
  const key = context.request.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (!/^[A-Za-z0-9._:-]{1,128}$/.test(key)) {
    throw new AppError('VALIDATION_FAILED', 'The Idempotency-Key header is not valid.', { errors: [{ field: 'Idempotency-Key', message: '1-128 of A-Z a-z 0-9 . _ : -' }] });
  }
  return key;
};

const run = async (deps: () => Dependencies, context: RouteContext, action: GitAction) => {
  const idempotencyKey = idempotencyKeyOf(context);
  const { gitActions } = deps();
  // Checked while the service reads and decrypts; it writes nothing and calls no host before this is granted.
  const permitted = context.caller.requireProjectAccess(action.input.issueKey);
  const result = await gitActions.run(context.caller.tenant, context.caller.accountId, action, idempotencyKey, { jira: context.caller.jira, permitted });
  return { status: result.status, body: result.body };
};

const readinessQuery = z.strictObject({ integrationId: integrationIdSchema, repositoryId: repositoryIdSchema });

export const gitActionRoutes = (deps: () => Dependencies): RouteDefinition[] => [
  {
    // Served here, not by the tokens function: the answer needs the repository's canonical id, which
    // for GitLab and Azure DevOps means asking the host with a credential only this function may decrypt.
    routeKey: 'GET /api/issues/{issueKey}/git-readiness',
    access: 'user',
    contextQsh: true,
    handle: async ({ request, caller }) => {
      await caller.requireProjectAccess(String(request.pathParameters.issueKey ?? ''));
      const query = parseInput(readinessQuery, request.query, 'query');
      return { status: 200, body: await deps().gitActions.readiness(caller.tenant, caller.accountId, query.integrationId, query.repositoryId) };
    },
  },
  {
    routeKey: 'POST /api/git/branches',
    access: 'user',
    handle: (context) => run(deps, context, { action: 'create-branch', input: parseInput(createBranchSchema, context.request.body, 'body') }),
  },
  {
    routeKey: 'DELETE /api/git/branches',
    access: 'user',
    handle: (context) => run(deps, context, { action: 'delete-branch', input: parseInput(deleteBranchSchema, context.request.body, 'body') }),
  },
  {
    routeKey: 'POST /api/git/pull-requests',
    access: 'user',
    handle: (context) => run(deps, context, { action: 'create-pull-request', input: parseInput(createPullRequestSchema, context.request.body, 'body') }),
  },
  // Pickers: here because only this Lambda (and token-expiry) may decrypt credentials. Any verified user of the tenant; no issue key.
  {
    routeKey: 'GET /api/integrations/{integrationId}/repositories',
    access: 'user',
    contextQsh: true,
    handle: async ({ request, caller }) => {
      const id = integrationIdOf(request);
      const query = parseInput(repositoryPickerQuerySchema, request.query, 'query');
      const body = await new RepositoryBrowser(deps().gitActions).repositories(caller.tenant, caller.accountId, id, query);
      return { status: 200, headers: { 'cache-control': 'no-store' }, body };
    },
  },
  {
    routeKey: 'GET /api/integrations/{integrationId}/branches',
    access: 'user',
    contextQsh: true,
    handle: async ({ request, caller }) => {
      const id = integrationIdOf(request);
      const query = parseInput(branchPickerQuerySchema, request.query, 'query');
      const body = await new RepositoryBrowser(deps().gitActions).branches(caller.tenant, caller.accountId, id, query);
      return { status: 200, headers: { 'cache-control': 'no-store' }, body };
    },
  },
];

const deps = (): Dependencies => productionDependencies(providersFor);

export const handler = createApiHandler(gitActionRoutes(deps), { authenticator: () => deps().authenticator });
