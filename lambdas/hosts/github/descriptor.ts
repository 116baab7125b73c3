import { withoutTrailingSlash } from '../host-call';
import type { HostFamily } from '../host-family';
import { gitHubRepositoryId } from './repository-id';

/** GitHub.com and GitHub Enterprise Server (REST API v3 under `{base}/api/v3`). */
export const gitHubFamily: HostFamily = {
  kinds: ['github', 'github-enterprise'],
  credentialKind: () => 'token',
  needsBaseUrl: (kind) => kind === 'github-enterprise',
  needsRegion: false,
  needsTfsVersion: () => false,
  baseUrlMisfit: () => undefined,
  tokenExpiry: 'reported',
  publicHost: (integration) => (integration.provider === 'github' ? 'https://github.com' : undefined),
  target: (integration, endpoints) =>
    integration.provider === 'github'
      ? { provider: 'github', apiUrl: endpoints.githubApiUrl, webUrl: endpoints.githubWebUrl }
      : { provider: integration.provider, apiUrl: `${integration.baseUrl ?? ''}/api/v3`, webUrl: integration.baseUrl ?? '' },
  newTokenUrl: (target) => `${withoutTrailingSlash(target.webUrl)}/settings/tokens/new?scopes=repo&description=Jira%20(patgate)`,
  repositoryId: gitHubRepositoryId,
  // GitHub writes a pull request as #12 (https://docs.github.com/en/get-started/writing-on-github/working-with-advanced-formatting/autolinked-references-and-urls).
  pullRequestSigil: '#',
  listsIssueDevelopment: true,
};
