import type { ProviderKind, TfsVersion } from '../../lambdas/domain/integration';

/** Small factories for request bodies (STYLE §7). */
export const serviceCredentialFor = (provider: ProviderKind, tfsVersion?: TfsVersion, seed = 'svc'): Record<string, string> => {
  if (provider === 'codecommit') return { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: `${seed}`.padEnd(40, 'S') };
  if (provider === 'tfs' && (tfsVersion === '2013' || tfsVersion === '2015')) return { username: 'DOMAIN\\svc', password: `${seed}-password-123` };
  return { token: `${seed}-token-${'x'.repeat(24)}` };
};

export const integrationBody = (
  provider: ProviderKind,
  overrides: Partial<{ name: string; baseUrl: string; region: string; tfsVersion: TfsVersion; requireUserPat: boolean; serviceCredential: Record<string, string> }> = {},
): Record<string, unknown> => {
  const defaults: Record<ProviderKind, Record<string, unknown>> = {
    github: {},
    'github-enterprise': { baseUrl: 'https://ghe.example.com' },
    gitlab: {},
    'gitlab-self-managed': { baseUrl: 'https://gitlab.example.com' },
    'azure-devops': { baseUrl: 'https://dev.azure.com/contoso' },
    vsts: { baseUrl: 'https://contoso.visualstudio.com' },
    tfs: { baseUrl: 'https://tfs.example.com/tfs/DefaultCollection', tfsVersion: '2018' },
    codecommit: { region: 'eu-west-1' },
  };
  const base = { name: `${provider} ${Math.random().toString(36).slice(2, 8)}`, provider, requireUserPat: false, ...defaults[provider], ...overrides };
  return { ...base, serviceCredential: overrides.serviceCredential ?? serviceCredentialFor(provider, base.tfsVersion as TfsVersion | undefined) };
};

/** Resolves every name to a public address (example.com's; never connected to), except `localhost`. */
export const publicResolver = async (hostname: string): Promise<string[]> =>
  hostname === 'localhost' || hostname === 'loopback.example.com' ? ['127.0.0.1'] : ['93.184.215.14'];
