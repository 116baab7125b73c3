import type { Config } from '../config';
import type { ProviderKind } from '../domain/integration';
import type { IntegrationRecord } from '../domain/records';
import { createAzureDevOpsProvider } from './azure-devops/adapter';
import { createCodeCommitProvider } from './codecommit/adapter';
import { DEFAULT_HOST_CALL_OPTIONS, type GitProvider, type GitProviderFactory, type HostCallOptions, type HostTarget } from './git-provider';
import { createGitHubProvider } from './github/adapter';
import { createGitLabProvider } from './gitlab/adapter';
import { LOCAL_HOSTS_ALLOWED, PUBLIC_HOSTS_ONLY } from './outbound-connections';

/** One line per host family (STYLE §2: a new host is one folder and one line here). */
export const PROVIDER_FACTORIES: Record<ProviderKind, GitProviderFactory> = {
  github: createGitHubProvider,
  'github-enterprise': createGitHubProvider,
  gitlab: createGitLabProvider,
  'gitlab-self-managed': createGitLabProvider,
  'azure-devops': createAzureDevOpsProvider,
  vsts: createAzureDevOpsProvider,
  tfs: createAzureDevOpsProvider,
  codecommit: createCodeCommitProvider,
};

export type HostEndpoints = Pick<Config, 'githubApiUrl' | 'githubWebUrl' | 'gitlabUrl' | 'codecommitEndpoint'>;

/** Where the integration's host lives (see HostTarget). Public kinds use the configured endpoints. */
export const resolveHostTarget = (integration: Pick<IntegrationRecord, 'provider' | 'baseUrl' | 'region' | 'tfsVersion'>, endpoints: HostEndpoints): HostTarget => {
  const base = integration.baseUrl ?? '';
  switch (integration.provider) {
    case 'github':
      return { provider: 'github', apiUrl: endpoints.githubApiUrl, webUrl: endpoints.githubWebUrl };
    case 'github-enterprise':
      return { provider: 'github-enterprise', apiUrl: `${base}/api/v3`, webUrl: base };
    case 'gitlab':
      return { provider: 'gitlab', apiUrl: endpoints.gitlabUrl, webUrl: endpoints.gitlabUrl };
    case 'codecommit':
      return { provider: 'codecommit', apiUrl: endpoints.codecommitEndpoint ?? '', webUrl: 'https://console.aws.amazon.com/codesuite/codecommit', region: integration.region };
    case 'tfs':
      return { provider: 'tfs', apiUrl: base, webUrl: base, tfsVersion: integration.tfsVersion };
    default:
      return { provider: integration.provider, apiUrl: base, webUrl: base };
  }
};

export type ProviderLookup = (integration: Pick<IntegrationRecord, 'provider' | 'baseUrl' | 'region' | 'tfsVersion'>) => GitProvider;

export const providerLookup = (endpoints: HostEndpoints, options?: HostCallOptions): ProviderLookup => (integration) =>
  PROVIDER_FACTORIES[integration.provider](resolveHostTarget(integration, endpoints), options);

/**
 * The registry for a configuration: public hosts' endpoints are fixed unless configurable (local mode: simulators).
 * Every connection goes through the guarded keep-alive pool: public addresses only, plus loopback in
 * local mode (never private ranges). Providers without `connections` get the public-only pool.
 */
export const providersFor = (config: Config, options: HostCallOptions = DEFAULT_HOST_CALL_OPTIONS): ProviderLookup =>
  providerLookup(
    config.configurablePublicHostEndpoints
      ? config
      : { githubApiUrl: 'https://api.github.com', githubWebUrl: 'https://github.com', gitlabUrl: 'https://gitlab.com', codecommitEndpoint: undefined },
    { ...options, connections: config.allowSimulatedHosts ? LOCAL_HOSTS_ALLOWED : PUBLIC_HOSTS_ONLY },
  );
