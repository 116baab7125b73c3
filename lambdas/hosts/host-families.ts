import type { ProviderKind } from '../domain/integration';
import { azureDevOpsFamily } from './azure-devops/descriptor';
import { codeCommitFamily } from './codecommit/descriptor';
import { gitHubFamily } from './github/descriptor';
import { gitLabFamily } from './gitlab/descriptor';
import { familiesByKind, type HostFamily } from './host-family';

/**
 * Every host family's descriptor, one line each (no client library: safe for every function).
 * The adapters that go with them are registered in provider-registry.ts.
 */
export const HOST_FAMILIES: readonly HostFamily[] = [gitHubFamily, gitLabFamily, azureDevOpsFamily, codeCommitFamily];

const BY_KIND = familiesByKind(HOST_FAMILIES);

/** The family that serves an integration kind. */
export const hostFamily = (kind: ProviderKind): HostFamily => {
  const family = BY_KIND.get(kind);
  if (!family) throw new Error(`No host family serves ${kind}.`);
  return family;
};
