import { readFileSync } from 'node:fs';
import type { OpenApiDocument } from './openapi-contract';

/**
 * The two list operations the pickers use, pinned from GitHub's published OpenAPI description
 * (github/rest-api-description, descriptions/api.github.com/api.github.com.json — read through the
 * generated mirror php-api-clients/github at commit 06821508feb33f3fb6dd4ccc959f46bdc9554981,
 * src/OpenAPI/ApiGitHubCom/Schema/Repository.php and BranchShort.php, whose SCHEMA_JSON are the
 * description's `components/schemas/repository` and `short-branch`). The subset files in the specs
 * folder lack both routes. Pinned: the `required` lists verbatim and the types of the members
 * patgate reads or the simulator fills; `owner` is the subset's own `simple-user` (the same schema).
 *
 * - `GET /user/repos` ("List repositories for the authenticated user", operationId
 *   repos/list-for-authenticated-user): 200 array of `repository` with header `Link`; 304, 401, 403, 422.
 * - `GET /repos/{owner}/{repo}/branches` ("List branches", repos/list-branches): 200 array of
 *   `short-branch` with header `Link`; 404.
 */
const REPOSITORY_REQUIRED = [
  'archive_url', 'assignees_url', 'blobs_url', 'branches_url', 'collaborators_url', 'comments_url', 'commits_url', 'compare_url',
  'contents_url', 'contributors_url', 'deployments_url', 'description', 'downloads_url', 'events_url', 'fork', 'forks_url', 'full_name',
  'git_commits_url', 'git_refs_url', 'git_tags_url', 'hooks_url', 'html_url', 'id', 'node_id', 'issue_comment_url', 'issue_events_url',
  'issues_url', 'keys_url', 'labels_url', 'languages_url', 'merges_url', 'milestones_url', 'name', 'notifications_url', 'owner', 'private',
  'pulls_url', 'releases_url', 'stargazers_url', 'statuses_url', 'subscribers_url', 'subscription_url', 'tags_url', 'teams_url', 'trees_url',
  'url', 'clone_url', 'default_branch', 'forks', 'forks_count', 'git_url', 'has_downloads', 'has_issues', 'has_projects', 'has_wiki',
  'has_pages', 'homepage', 'language', 'archived', 'disabled', 'mirror_url', 'open_issues', 'open_issues_count', 'license', 'pushed_at',
  'size', 'ssh_url', 'stargazers_count', 'svn_url', 'watchers', 'watchers_count', 'created_at', 'updated_at',
];

const nullableString = { type: ['string', 'null'] };
const dateTimeOrNull = { type: ['string', 'null'], format: 'date-time' };

const repositorySchema = (simpleUser: unknown) => ({
  title: 'Repository',
  type: 'object',
  required: REPOSITORY_REQUIRED,
  properties: {
    id: { type: 'integer' },
    node_id: { type: 'string' },
    name: { type: 'string' },
    full_name: { type: 'string' },
    owner: simpleUser,
    private: { type: 'boolean' },
    html_url: { type: 'string', format: 'uri' },
    description: nullableString,
    fork: { type: 'boolean' },
    url: { type: 'string', format: 'uri' },
    homepage: { type: ['string', 'null'], format: 'uri' },
    language: nullableString,
    mirror_url: { type: ['string', 'null'], format: 'uri' },
    forks: { type: 'integer' },
    forks_count: { type: 'integer' },
    stargazers_count: { type: 'integer' },
    watchers_count: { type: 'integer' },
    watchers: { type: 'integer' },
    size: { type: 'integer' },
    default_branch: { type: 'string' },
    open_issues: { type: 'integer' },
    open_issues_count: { type: 'integer' },
    has_issues: { type: 'boolean' },
    has_projects: { type: 'boolean' },
    has_wiki: { type: 'boolean' },
    has_pages: { type: 'boolean' },
    has_downloads: { type: 'boolean' },
    archived: { type: 'boolean' },
    disabled: { type: 'boolean' },
    visibility: { type: 'string' },
    license: { anyOf: [{ type: 'null' }, { type: 'object', required: ['key', 'name', 'url', 'spdx_id', 'node_id'] }] },
    permissions: {
      type: 'object',
      required: ['admin', 'pull', 'push'],
      properties: { admin: { type: 'boolean' }, pull: { type: 'boolean' }, triage: { type: 'boolean' }, push: { type: 'boolean' }, maintain: { type: 'boolean' } },
    },
    pushed_at: dateTimeOrNull,
    created_at: dateTimeOrNull,
    updated_at: dateTimeOrNull,
  },
});

const shortBranchSchema = {
  title: 'Branch Short',
  type: 'object',
  required: ['name', 'commit', 'protected'],
  properties: {
    name: { type: 'string' },
    commit: { type: 'object', required: ['sha', 'url'], properties: { sha: { type: 'string' }, url: { type: 'string' } } },
    protected: { type: 'boolean' },
  },
};

const linkHeader = { Link: { example: '<https://api.github.com/resource?page=2>; rel="next"', schema: { type: 'string' } } };

/** The pinned operations, with `owner` taken from the subset file's `GET /repos/{owner}/{repo}` answer (simple-user). */
export const pinnedListPaths = (subsetFile: string): OpenApiDocument['paths'] => {
  const subset = JSON.parse(readFileSync(subsetFile, 'utf8')) as {
    paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> }> }>>;
  };
  const simpleUser = subset.paths['/repos/{owner}/{repo}']?.get?.responses['200']?.content?.['application/json']?.schema?.properties?.owner;
  if (!simpleUser) throw new Error('the subset has no simple-user at GET /repos/{owner}/{repo} 200 owner');
  const basicError = subset.paths['/user']?.get?.responses['401'];
  return {
    '/user/repos': {
      get: {
        responses: {
          '200': { content: { 'application/json': { schema: { type: 'array', items: repositorySchema(simpleUser) } } }, headers: linkHeader },
          '304': {},
          ...(basicError ? { '401': basicError, '403': basicError } : {}),
        },
      },
    },
    '/repos/{owner}/{repo}/branches': {
      get: {
        responses: {
          '200': { content: { 'application/json': { schema: { type: 'array', items: shortBranchSchema } } }, headers: linkHeader },
          ...(basicError ? { '404': basicError } : {}),
        },
      },
    },
  } as OpenApiDocument['paths'];
};
