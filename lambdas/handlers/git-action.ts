import { createBranchSchema, createPullRequestSchema, deleteBranchSchema } from '../domain/git-action-schemas';
import { AppError } from '../domain/errors';
import { bindRoutes, createApiHandler, type RouteDefinition, type RouteContext } from '../http/create-api-handler';
import { parseInput } from '../http/parse-input';
import { IDEMPOTENCY_KEY_PATTERN } from '../http/request-headers';
import type { GitAction } from '../services/git-action-service';
import { developmentQuerySchema } from '../services/issue-development';
import { providersFor } from '../hosts/provider-registry';
import { integrationIdOf } from '../http/integration-id';
import { branchPickerQuerySchema, repositoryPickerQuerySchema, RepositoryBrowser } from '../services/repository-browser';
import { productionDependencies, type Dependencies } from '../wiring/dependencies';
import { GIT_ACTION_ROUTES, readinessQuerySchema } from './routes/git-action';

const idempotencyKeyOf = (context: RouteContext): string | undefined => {
  const key = context.request.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new AppError('VALIDATION_FAILED', 'The Idempotency-Key header is not valid.', { errors: [{ field: 'Idempotency-Key', message: '1-128 of A-Z a-z 0-9 . _ : -' }] });
  }
  return key;
};

const run = async (deps: () => Dependencies, context: RouteContext, action: GitAction) => {
  const idempotencyKey = idempotencyKeyOf(context);
  const { gitActions } = deps();
  // Checked while the service reads and decrypts; it writes nothing and calls no host before this is granted.
  const permitted = context.caller.requireProjectOf(action.input.issueKey);
  const result = await gitActions.run(context.caller.tenant, context.caller.accountId, action, idempotencyKey, { jira: context.caller.jira, permitted });
  return { status: result.status, body: result.body };
};

export const gitActionRoutes = (deps: () => Dependencies): RouteDefinition[] =>
  bindRoutes(GIT_ACTION_ROUTES, {
    readiness: async ({ request, caller }) => {
      const project = await caller.requireProjectOf(String(request.pathParameters.issueKey ?? ''));
      const query = parseInput(readinessQuerySchema, request.query, 'query');
      return { status: 200, body: await deps().gitActions.readiness(caller.tenant, caller.accountId, query.integrationId, query.repositoryId, project) };
    },
    development: async ({ request, caller }) => {
      const issueKey = String(request.pathParameters.issueKey ?? '');
      const project = await caller.requireProjectOf(issueKey);
      const query = parseInput(developmentQuerySchema, request.query, 'query');
      const body = await deps().issueDevelopment.list(caller.tenant, caller.accountId, issueKey, query, project);
      return { status: 200, headers: { 'cache-control': 'no-store' }, body };
    },
    createBranch: (context) => run(deps, context, { action: 'create-branch', input: parseInput(createBranchSchema, context.request.body, 'body') }),
    deleteBranch: (context) => run(deps, context, { action: 'delete-branch', input: parseInput(deleteBranchSchema, context.request.body, 'body') }),
    createPullRequest: (context) => run(deps, context, { action: 'create-pull-request', input: parseInput(createPullRequestSchema, context.request.body, 'body') }),
    repositories: async ({ request, caller }) => {
      const id = integrationIdOf(request);
      const query = parseInput(repositoryPickerQuerySchema, request.query, 'query');
      // No host is asked for a user who could not act on the issue (docs/architecture.md §3 step 0).
      const project = await caller.requireProjectOf(query.issueKey);
      const body = await new RepositoryBrowser(deps().gitActions).repositories(caller.tenant, caller.accountId, id, query, project);
      return { status: 200, headers: { 'cache-control': 'no-store' }, body };
    },
    branches: async ({ request, caller }) => {
      const id = integrationIdOf(request);
      const query = parseInput(branchPickerQuerySchema, request.query, 'query');
      const project = await caller.requireProjectOf(query.issueKey);
      const body = await new RepositoryBrowser(deps().gitActions).branches(caller.tenant, caller.accountId, id, query, project);
      return { status: 200, headers: { 'cache-control': 'no-store' }, body };
    },
  });

const deps = (): Dependencies => productionDependencies(providersFor);

export const handler = createApiHandler(gitActionRoutes(deps), { authenticator: () => deps().authenticator });
