import { withoutTrailingSlash } from '../host-call';
import type { HostFamily } from '../host-family';
import { gitLabRepositoryId } from './repository-id';

/** The one scope that lets a GitLab token create branches and merge requests over REST. */
export const REQUIRED_GITLAB_SCOPE = 'api';

/** GitLab.com and GitLab self-managed: the same REST API v4, only the host differs. */
export const gitLabFamily: HostFamily = {
  kinds: ['gitlab', 'gitlab-self-managed'],
  credentialKind: () => 'token',
  needsBaseUrl: (kind) => kind === 'gitlab-self-managed',
  needsRegion: false,
  needsTfsVersion: () => false,
  baseUrlMisfit: () => undefined,
  tokenExpiry: 'reported',
  publicHost: (integration) => (integration.provider === 'gitlab' ? 'https://gitlab.com' : undefined),
  target: (integration, endpoints) =>
    integration.provider === 'gitlab'
      ? { provider: 'gitlab', apiUrl: endpoints.gitlabUrl, webUrl: endpoints.gitlabUrl }
      : { provider: integration.provider, apiUrl: integration.baseUrl ?? '', webUrl: integration.baseUrl ?? '' },
  /** The `/-/user_settings/` path is GitLab 16+; older self-managed instances use `/-/profile/`. */
  newTokenUrl: (target) => `${withoutTrailingSlash(target.webUrl)}/-/user_settings/personal_access_tokens?name=Jira%20(patgate)&scopes=${REQUIRED_GITLAB_SCOPE}`,
  repositoryId: gitLabRepositoryId,
  // GitLab writes a merge request as !12 (https://docs.gitlab.com/user/markdown/#gitlab-specific-references).
  pullRequestSigil: '!',
  pullRequestNoun: 'merge request',
  listsIssueDevelopment: true,
};
