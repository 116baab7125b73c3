import type { ProviderKind, TfsVersion } from '../../lambdas/domain/integration';
import type { CredentialKind } from '../../lambdas/domain/records';
import { BUILT_IN_FAMILIES } from '../../lambdas/hosts/family-registry';

/** Small factories for request bodies; which fields a kind takes is its host family's descriptor's to say. */
export const serviceCredentialFor = (provider: ProviderKind, tfsVersion?: TfsVersion, seed = 'svc'): Record<string, string> => {
  const credentials: Record<CredentialKind, Record<string, string>> = {
    'aws-keys': { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: `${seed}`.padEnd(40, 'S') },
    basic: { username: 'DOMAIN\\svc', password: `${seed}-password-123` },
    token: { token: `${seed}-token-${'x'.repeat(24)}` },
  };
  return credentials[BUILT_IN_FAMILIES.of(provider).credentialKind(provider, tfsVersion)];
};

/** A base URL of the shape each self-hosted kind's family accepts (test data, not a rule). */
const SAMPLE_BASE_URLS: Readonly<Partial<Record<ProviderKind, string>>> = {
  'github-enterprise': 'https://ghe.example.com',
  'gitlab-self-managed': 'https://gitlab.example.com',
  'azure-devops': 'https://dev.azure.com/contoso',
  vsts: 'https://contoso.visualstudio.com',
  tfs: 'https://tfs.example.com/tfs/DefaultCollection',
};

export const integrationBody = (
  provider: ProviderKind,
  overrides: Partial<{ name: string; baseUrl: string; region: string; tfsVersion: TfsVersion; requireUserPat: boolean; serviceCredential: Record<string, string> }> = {},
): Record<string, unknown> => {
  const family = BUILT_IN_FAMILIES.of(provider);
  const defaults = {
    ...(family.needsBaseUrl(provider) ? { baseUrl: SAMPLE_BASE_URLS[provider] } : {}),
    ...(family.needsRegion ? { region: 'eu-west-1' } : {}),
    ...(family.needsTfsVersion(provider) ? { tfsVersion: '2018' as const } : {}),
  };
  const base = { name: `${provider} ${Math.random().toString(36).slice(2, 8)}`, provider, requireUserPat: false, ...defaults, ...overrides };
  return { ...base, serviceCredential: overrides.serviceCredential ?? serviceCredentialFor(provider, base.tfsVersion) };
};

/** Resolves every name to a public address (example.com's; never connected to), except `localhost`. */
export const publicResolver = async (hostname: string): Promise<string[]> =>
  hostname === 'localhost' || hostname === 'loopback.example.com' ? ['127.0.0.1'] : ['93.184.215.14'];
