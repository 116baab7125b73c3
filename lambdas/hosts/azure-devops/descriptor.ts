import { TFS_VERSIONS_WITHOUT_PAT } from '../../domain/integration';
import type { HostFamily } from '../host-family';
import { azureDevOpsRepositoryId } from './repository-id';
import { WebLinks } from './web-links';

/** Azure DevOps Services (`dev.azure.com`), VSTS (`*.visualstudio.com`) and TFS / Azure DevOps Server. */
export const azureDevOpsFamily: HostFamily = {
  kinds: ['azure-devops', 'vsts', 'tfs'],
  // TFS 2013 and 2015 predate personal access tokens: a Basic service account there.
  credentialKind: (kind, tfsVersion) => (kind === 'tfs' && tfsVersion && TFS_VERSIONS_WITHOUT_PAT.includes(tfsVersion) ? 'basic' : 'token'),
  needsBaseUrl: () => true,
  needsRegion: false,
  needsTfsVersion: (kind) => kind === 'tfs',
  baseUrlMisfit: (kind, url) => {
    const segments = url.pathname.split('/').filter(Boolean);
    if (kind === 'azure-devops' && (url.hostname !== 'dev.azure.com' || segments.length !== 1)) return 'expected https://dev.azure.com/{organization}';
    if (kind === 'vsts' && (!url.hostname.endsWith('.visualstudio.com') || segments.length !== 0)) return 'expected https://{account}.visualstudio.com';
    if (kind === 'tfs' && segments.length === 0) return 'expected the collection URL, e.g. https://tfs.example.com/tfs/DefaultCollection';
    return undefined;
  },
  // Their PATs expire, but the holder is never told when: the user may state the expiry.
  tokenExpiry: 'unreported',
  publicHost: () => undefined,
  target: (integration) => {
    const base = integration.baseUrl ?? '';
    return integration.provider === 'tfs'
      ? { provider: 'tfs', apiUrl: base, webUrl: base, tfsVersion: integration.tfsVersion }
      : { provider: integration.provider, apiUrl: base, webUrl: base };
  },
  newTokenUrl: (target) => new WebLinks(target.webUrl, target.provider === 'tfs').newToken(),
  repositoryId: azureDevOpsRepositoryId,
  // Azure DevOps writes a pull request as !12 in its Markdown (a work item is #12).
  pullRequestSigil: '!',
  listsIssueDevelopment: true,
};
