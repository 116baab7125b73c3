import * as z from 'zod';
import { createBranchSchema, createPullRequestSchema, deleteBranchSchema } from '../../domain/git-action-schemas';
import { integrationIdSchema, repositoryIdSchema } from '../../domain/integration-schemas';
import { idempotencyKeyHeaders } from '../../http/request-headers';
import { defineRoutes } from '../../http/route-spec';
import { USER_PAGE_MODULES } from '../../jira/forge-modules';
import { developmentQuerySchema } from '../../services/issue-development';
import { branchPickerQuerySchema, repositoryPickerQuerySchema } from '../../services/repository-browser';
import { integrationPath, issuePath } from './path-parameters';

export const readinessQuerySchema = z.strictObject({ integrationId: integrationIdSchema, repositoryId: repositoryIdSchema });

/**
 * Served by the `gitAction` function: only it (and token-expiry) may decrypt credentials, so the
 * readiness check and the pickers, which act with the policy's credential, are here too.
 */
export const GIT_ACTION_ROUTES = defineRoutes({
  readiness: {
    // Not served by the tokens function: the answer needs the repository's canonical id, which for
    // GitLab and Azure DevOps means asking the host with a credential only this function may decrypt.
    method: 'GET',
    path: '/api/issues/{issueKey}/git-readiness',
    access: 'user',
    modules: USER_PAGE_MODULES,
    function: 'gitAction',
    summary: 'What the user will see before acting',
    request: { path: issuePath, query: readinessQuerySchema },
    responses: { 200: { description: 'Ready (and as whom), or the refusal an action would get', body: 'Readiness' } },
  },
  development: {
    // The issue panel's "what exists": reads with the policy's credential per repository, so this function.
    method: 'GET',
    path: '/api/issues/{issueKey}/development',
    access: 'user',
    modules: USER_PAGE_MODULES,
    function: 'gitAction',
    summary: 'The issue\'s branches and pull requests: made by patgate for it, and on the host carrying its key',
    request: { path: issuePath, query: developmentQuerySchema },
    responses: { 200: { description: 'What exists, per repository read or refused', body: 'IssueDevelopment' } },
  },
  createBranch: {
    method: 'POST',
    path: '/api/git/branches',
    access: 'user',
    modules: USER_PAGE_MODULES,
    function: 'gitAction',
    summary: 'Create a branch',
    tenantCheckedInRead: true,
    request: { headers: idempotencyKeyHeaders, body: createBranchSchema },
    responses: { 201: { description: 'Created', body: 'BranchCreated' } },
  },
  deleteBranch: {
    method: 'DELETE',
    path: '/api/git/branches',
    access: 'user',
    modules: USER_PAGE_MODULES,
    function: 'gitAction',
    summary: 'Delete a branch',
    tenantCheckedInRead: true,
    request: { headers: idempotencyKeyHeaders, body: deleteBranchSchema },
    responses: { 200: { description: 'Deleted', body: 'BranchDeleted' } },
  },
  createPullRequest: {
    method: 'POST',
    path: '/api/git/pull-requests',
    access: 'user',
    modules: USER_PAGE_MODULES,
    function: 'gitAction',
    summary: 'Create a pull request',
    tenantCheckedInRead: true,
    request: { headers: idempotencyKeyHeaders, body: createPullRequestSchema },
    responses: { 201: { description: 'Created', body: 'PullRequestCreated' } },
  },
  // Pickers: for an issue (`issueKey`), checked like readiness: View Development Tools there and the project associated.
  repositories: {
    method: 'GET',
    path: '/api/integrations/{integrationId}/repositories',
    access: 'user',
    modules: USER_PAGE_MODULES,
    function: 'gitAction',
    summary: 'Repositories the acting credential sees (first 50 matches)',
    request: { path: integrationPath, query: repositoryPickerQuerySchema },
    responses: { 200: { description: 'The first matches, in the host\'s order', body: 'RepositoryPage' } },
  },
  branches: {
    method: 'GET',
    path: '/api/integrations/{integrationId}/branches',
    access: 'user',
    modules: USER_PAGE_MODULES,
    function: 'gitAction',
    summary: 'Branches of a repository, default branch first (first 50 matches)',
    request: { path: integrationPath, query: branchPickerQuerySchema },
    responses: { 200: { description: 'The first matches, the default branch first', body: 'BranchPage' } },
  },
});
