import type { ProviderKind } from '../domain/integration';
import type { HostFamilies } from './family-registry';
import { invalidRepositoryId, type RepositoryIdRule } from './repository-id-rule';

/** The repository id under the rule of the kind's family (each rule and its sources sit beside its adapter). */
export const canonicalRepositoryId = (families: HostFamilies, provider: ProviderKind, raw: string): string => families.of(provider).repositoryId.canonical(raw);

/**
 * Every canonical spelling `raw` could have under any family of the registry, for reading the
 * override in the same BatchGetItem as the integration (whose family is not known yet). The caller
 * keeps only the key of the integration's own family, so a spelling valid elsewhere never selects an
 * override here.
 */
export const candidateRepositoryKeys = (families: HostFamilies, raw: string): string[] => {
  const keys = new Set<string>();
  for (const rule of families.repositoryIdRules) {
    try {
      keys.add(rule.canonical(raw));
    } catch {
      /* not a spelling of this family */
    }
  }
  if (keys.size === 0) throw invalidRepositoryId('no git host accepts this repository id');
  return [...keys];
};

export type { RepositoryIdRule };
