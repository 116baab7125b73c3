import type { HostFamily } from '../host-family';
import { gitLabRepositoryId } from './repository-id';

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
  repositoryId: gitLabRepositoryId,
};
