import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { requestLog } from '@octokit/plugin-request-log';

/**
 * Octokit as the GitHub adapter uses it: the core client with request logging and `Link`-header
 * pagination. It is `@octokit/rest` without the generated endpoint-method table (82 KB of the
 * GitHub chunk): calls name their route (`octokit.request('GET /repos/{owner}/{repo}')`), which is
 * what those methods send too (docs/architecture.md, bundling).
 */
export const GitHubClient = Octokit.plugin(requestLog, paginateRest);
export type GitHubClient = InstanceType<typeof GitHubClient>;
