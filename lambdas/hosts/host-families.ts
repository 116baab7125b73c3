import { azureDevOpsFamily } from './azure-devops/descriptor';
import { codeCommitFamily } from './codecommit/descriptor';
import type { GitProviderFactory } from './git-provider';
import { gitHubFamily } from './github/descriptor';
import { gitLabFamily } from './gitlab/descriptor';
import type { HostFamily } from './host-family';

/** A host family as registered: its descriptor, and how a function that calls hosts loads its adapter. */
export interface RegisteredHostFamily {
  readonly family: HostFamily;
  /**
   * The family's adapter factory, from a dynamic `import()`: the deployed bundle makes each family's
   * adapter (with its client library) a chunk of its own, loaded on first use (see lazy-provider.ts);
   * functions that never call a host never load any (docs/architecture.md, bundling).
   */
  readonly loadAdapter: () => Promise<GitProviderFactory>;
}

/**
 * Every host family, one line each: the descriptor (plain data, safe for every function) and its
 * adapter's loader. A new family is its folder under lambdas/hosts/ and one line here.
 */
export const HOST_FAMILY_REGISTRY: readonly RegisteredHostFamily[] = [
  { family: gitHubFamily, loadAdapter: async () => (await import('./github/adapter')).createGitHubProvider },
  { family: gitLabFamily, loadAdapter: async () => (await import('./gitlab/adapter')).createGitLabProvider },
  { family: azureDevOpsFamily, loadAdapter: async () => (await import('./azure-devops/adapter')).createAzureDevOpsProvider },
  { family: codeCommitFamily, loadAdapter: async () => (await import('./codecommit/adapter')).createCodeCommitProvider },
];

/** Every host family's descriptor (the registry's, in its order). */
export const HOST_FAMILIES: readonly HostFamily[] = HOST_FAMILY_REGISTRY.map((entry) => entry.family);
