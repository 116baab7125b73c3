import type { Config } from '../config';
import { createAzureDevOpsProvider } from './azure-devops/adapter';
import { azureDevOpsFamily } from './azure-devops/descriptor';
import { createCodeCommitProvider } from './codecommit/adapter';
import { codeCommitFamily } from './codecommit/descriptor';
import { DEFAULT_HOST_CALL_OPTIONS, type GitProvider, type HostCallOptions, type HostTarget } from './git-provider';
import { createGitHubProvider } from './github/adapter';
import { gitHubFamily } from './github/descriptor';
import { createGitLabProvider } from './gitlab/adapter';
import { gitLabFamily } from './gitlab/descriptor';
import { hostFamily } from './host-families';
import { familiesByKind, type HostEndpoints, type HostFamilyAdapter, type HostFields } from './host-family';
import { LOCAL_HOSTS_ALLOWED, PUBLIC_HOSTS_ONLY } from './outbound-connections';

/**
 * Each host family with its adapter, one line per family: the only place the git-host clients are
 * bundled from (the git-action, tokens and token-expiry functions). The descriptors alone, without
 * adapters, are in host-families.ts.
 */
export const HOST_FAMILY_ADAPTERS: readonly HostFamilyAdapter[] = [
  { family: gitHubFamily, createProvider: createGitHubProvider },
  { family: gitLabFamily, createProvider: createGitLabProvider },
  { family: azureDevOpsFamily, createProvider: createAzureDevOpsProvider },
  { family: codeCommitFamily, createProvider: createCodeCommitProvider },
];

export type { HostEndpoints };

/** Where the integration's host lives (see HostTarget), by its family's rule. Public kinds use the configured endpoints. */
export const resolveHostTarget = (integration: HostFields, endpoints: HostEndpoints): HostTarget => hostFamily(integration.provider).target(integration, endpoints);

export type ProviderLookup = (integration: HostFields) => GitProvider;

/** The providers of a registry of families with adapters (HOST_FAMILY_ADAPTERS unless a test brings its own). */
export const providerLookup = (endpoints: HostEndpoints, options?: HostCallOptions, adapters: readonly HostFamilyAdapter[] = HOST_FAMILY_ADAPTERS): ProviderLookup => {
  const byKind = familiesByKind(adapters.map((adapter) => ({ kinds: adapter.family.kinds, adapter })));
  return (integration) => {
    const entry = byKind.get(integration.provider);
    if (!entry) throw new Error(`No host family serves ${integration.provider}.`);
    return entry.adapter.createProvider(entry.adapter.family.target(integration, endpoints), options);
  };
};

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
