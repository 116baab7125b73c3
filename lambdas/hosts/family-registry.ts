import { AppError } from '../domain/errors';
import type { ProviderKind } from '../domain/integration';
import { HOST_FAMILIES } from './host-families';
import { familiesByKind, type HostFamily } from './host-family';
import type { RepositoryIdRule } from './repository-id-rule';

/**
 * The host families in use, looked up by kind: the one runtime authority on which integration kinds
 * exist. The request schemas (their `provider` enum), the OpenAPI document, the services and the
 * stores' readers all take the kinds from here, so a family added to the registry is accepted
 * everywhere and a kind no family serves is refused everywhere (docs/architecture.md, "Adding a
 * host family").
 */
export interface HostFamilies {
  /** Every kind served, in registry order (never empty). */
  readonly kinds: readonly [ProviderKind, ...ProviderKind[]];
  /** The family serving `kind`; an unknown kind is a server fault (it passed a schema built from this registry). */
  of(kind: ProviderKind): HostFamily;
  /** Each family's repository-id rule once, for reading overrides before the integration's family is known. */
  readonly repositoryIdRules: readonly RepositoryIdRule[];
}

export const hostFamilies = (families: readonly HostFamily[]): HostFamilies => {
  const byKind = familiesByKind(families);
  const [first, ...rest] = families.flatMap((family) => family.kinds);
  if (first === undefined) throw new Error('A registry needs at least one host family.');
  return {
    kinds: [first, ...rest],
    of: (kind) => {
      const family = byKind.get(kind);
      if (!family) throw new AppError('INTERNAL', `No host family serves ${kind}.`);
      return family;
    },
    repositoryIdRules: [...new Set(families.map((family) => family.repositoryId))],
  };
};

/** patgate's own families (host-families.ts): what every function uses unless a test brings its own registry. */
export const BUILT_IN_FAMILIES: HostFamilies = hostFamilies(HOST_FAMILIES);
