import type { HostFamily } from '../../../lambdas/hosts/host-family';
import { invalidRepositoryId, trimmed } from '../../../lambdas/hosts/repository-id-rule';

/** A kind no real family serves: a plain string, accepted wherever a registry holding this family is in use. */
export const TOY_KIND = 'toy';

/** A toy host: self-hosted, PAT credential, case-insensitive `name` repository ids, expiry reported. */
export const toyFamily: HostFamily = {
  kinds: [TOY_KIND],
  credentialKind: () => 'token',
  needsBaseUrl: () => true,
  needsRegion: false,
  needsTfsVersion: () => false,
  baseUrlMisfit: (_kind, url) => (url.pathname.startsWith('/toy') ? undefined : 'expected https://{host}/toy'),
  tokenExpiry: 'reported',
  publicHost: () => undefined,
  target: (integration) => ({ provider: integration.provider, apiUrl: `${integration.baseUrl ?? ''}/api`, webUrl: integration.baseUrl ?? '' }),
  newTokenUrl: (target) => `${target.webUrl}/settings/tokens`,
  repositoryId: {
    resolvedByHost: false,
    canonical: (raw) => {
      const id = trimmed(raw).toLowerCase();
      if (!/^[a-z0-9-]+$/.test(id)) throw invalidRepositoryId('a toy repository is named with letters, digits and dashes');
      return id;
    },
  },
};
