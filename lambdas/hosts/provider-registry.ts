import type { Config } from '../config';
import { DEFAULT_HOST_CALL_OPTIONS, type GitProvider, type HostCallOptions } from './git-provider';
import { HOST_FAMILY_REGISTRY, type RegisteredHostFamily } from './host-families';
import { familiesByKind, type HostEndpoints, type HostFamilyAdapter, type HostFields } from './host-family';
import { lazyProvider } from './lazy-provider';
import { LOCAL_HOSTS_ALLOWED, PUBLIC_HOSTS_ONLY } from './outbound-connections';

/**
 * A registry entry: a registered family (adapter loaded on first use), or a family with its
 * adapter at hand (`createProvider`, as a test brings one).
 */
export type HostFamilyEntry = RegisteredHostFamily | HostFamilyAdapter;

export type { HostEndpoints };

export type ProviderLookup = (integration: HostFields) => GitProvider;

/**
 * The providers of a registry of families (HOST_FAMILY_REGISTRY unless a test brings its own). A
 * registered family's adapter is loaded on the first host call of its first provider, not here:
 * the lookup stays synchronous and costs nothing for families the function never calls.
 */
export const providerLookup = (endpoints: HostEndpoints, options?: HostCallOptions, registry: readonly HostFamilyEntry[] = HOST_FAMILY_REGISTRY): ProviderLookup => {
  const byKind = familiesByKind(registry.map((entry) => ({ kinds: entry.family.kinds, entry })));
  return (integration) => {
    const found = byKind.get(integration.provider);
    if (!found) throw new Error(`No host family serves ${integration.provider}.`);
    const { entry } = found;
    const target = entry.family.target(integration, endpoints);
    return 'createProvider' in entry ? entry.createProvider(target, options) : lazyProvider(entry.family, target, entry.loadAdapter, options);
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
