import { PROVIDER_KINDS, type ProviderKind } from '../domain/integration';
import { hostFamily } from './host-families';
import { invalidRepositoryId, type RepositoryIdRule } from './repository-id-rule';

/** The rule of each integration kind, from its family's descriptor; each rule and its sources sit beside its adapter. */
export const REPOSITORY_ID_RULES = Object.fromEntries(PROVIDER_KINDS.map((kind) => [kind, hostFamily(kind).repositoryId])) as Record<ProviderKind, RepositoryIdRule>;

export const canonicalRepositoryId = (provider: ProviderKind, raw: string): string => REPOSITORY_ID_RULES[provider].canonical(raw);

/**
 * Every canonical spelling `raw` could have under any family, for reading the override in the same
 * BatchGetItem as the integration (whose family is not known yet). The caller keeps only the key of
 * the integration's own family, so a spelling valid elsewhere never selects an override here.
 */
export const candidateRepositoryKeys = (raw: string): string[] => {
  const keys = new Set<string>();
  for (const rule of new Set(Object.values(REPOSITORY_ID_RULES))) {
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
