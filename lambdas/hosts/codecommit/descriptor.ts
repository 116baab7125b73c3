import type { HostFamily } from '../host-family';
import { codeCommitRepositoryId } from './repository-id';

/** Where an IAM user makes an access key pair (the CodeCommit credential). */
export const NEW_ACCESS_KEY_URL = 'https://console.aws.amazon.com/iam/home#/security_credentials';

/** AWS CodeCommit: an IAM access key pair and a region; the endpoint is AWS's own except locally. */
export const codeCommitFamily: HostFamily = {
  kinds: ['codecommit'],
  credentialKind: () => 'aws-keys',
  needsBaseUrl: () => false,
  needsRegion: true,
  needsTfsVersion: () => false,
  baseUrlMisfit: () => undefined,
  // An access key pair does not expire (it is revoked, which re-verification finds).
  tokenExpiry: 'never',
  publicHost: (integration) => `https://codecommit.${integration.region ?? ''}.amazonaws.com`,
  target: (integration, endpoints) => ({
    provider: 'codecommit',
    apiUrl: endpoints.codecommitEndpoint ?? '',
    webUrl: 'https://console.aws.amazon.com/codesuite/codecommit',
    region: integration.region,
    ...(integration.tenant !== undefined && integration.id !== undefined ? { integration: { tenant: integration.tenant, id: integration.id } } : {}),
  }),
  newTokenUrl: () => NEW_ACCESS_KEY_URL,
  repositoryId: codeCommitRepositoryId,
};
