import type { Clock } from '../domain/clock';
import type { IntegrationRecord, RepositoryOverrideRecord } from '../domain/records';

/** One integration with its repository overrides, as the user's list shows them. */
export interface CatalogEntry {
  readonly integration: IntegrationRecord;
  readonly overrides: readonly { readonly repositoryId: string; readonly requireUserPat: boolean }[];
}

export interface IntegrationListing {
  listWithOverrides(tenant: string): Promise<{ integrations: IntegrationRecord[]; overrides: RepositoryOverrideRecord[] }>;
}

export interface CatalogOptions {
  /** How long a container reuses a tenant's list. */
  readonly ttlMs: number;
  /** How many tenants' lists one container keeps at most (oldest leave first). */
  readonly maxTenants: number;
}

export const DEFAULT_CATALOG_OPTIONS: CatalogOptions = { ttlMs: 30_000, maxTenants: 500 };

/**
 * A tenant's integrations, sorted by name, each with its overrides grouped under it (one pass, not
 * integrations × overrides), cached per container for `ttlMs`. It serves displays only (the user's
 * list): git actions read integration and override consistently on every request, so a policy change
 * applies at once there. Writes through IntegrationService in the same container drop the tenant's
 * entry (`forget`); another container shows the change within `ttlMs`. See docs/architecture.md §5.
 */
export class IntegrationCatalog {
  readonly #entries = new Map<string, { readonly until: number; readonly installation: string; readonly list: Promise<readonly CatalogEntry[]> }>();

  constructor(
    private readonly store: IntegrationListing,
    private readonly clock: Clock,
    private readonly options: CatalogOptions = DEFAULT_CATALOG_OPTIONS,
  ) {}

  /** `installation` (the tenant's installedAt) keeps an uninstalled-and-reinstalled site from seeing its old list. */
  of(tenant: string, installation = ''): Promise<readonly CatalogEntry[]> {
    const now = this.clock.now().getTime();
    const cached = this.#entries.get(tenant);
    if (cached && cached.until > now && cached.installation === installation) return cached.list;
    const list = this.store.listWithOverrides(tenant).then(({ integrations, overrides }) => catalogOf(integrations, overrides));
    // A failed read is not kept: the next request asks again.
    list.catch(() => {
      if (this.#entries.get(tenant)?.list === list) this.#entries.delete(tenant);
    });
    this.#entries.delete(tenant);
    this.#entries.set(tenant, { until: now + this.options.ttlMs, installation, list });
    while (this.#entries.size > this.options.maxTenants) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    return list;
  }

  /** The tenant's integrations or overrides changed here: the next read goes to the table. */
  forget(tenant: string): void {
    this.#entries.delete(tenant);
  }
}

/** Integrations by name with their overrides, grouped in one pass over each list. */
export const catalogOf = (integrations: readonly IntegrationRecord[], overrides: readonly RepositoryOverrideRecord[]): CatalogEntry[] => {
  const byIntegration = groupOverrides(overrides);
  return [...integrations]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((integration) => ({
      integration,
      overrides: (byIntegration.get(integration.id) ?? []).map((o) => ({ repositoryId: o.repositoryId, requireUserPat: o.requireUserPat })),
    }));
};

export const groupOverrides = (overrides: readonly RepositoryOverrideRecord[]): Map<string, RepositoryOverrideRecord[]> => {
  const byIntegration = new Map<string, RepositoryOverrideRecord[]>();
  for (const override of overrides) {
    const group = byIntegration.get(override.integrationId);
    if (group) group.push(override);
    else byIntegration.set(override.integrationId, [override]);
  }
  return byIntegration;
};
