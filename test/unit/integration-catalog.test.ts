import type { IntegrationRecord, RepositoryOverrideRecord } from '../../lambdas/domain/records';
import { catalogOf, IntegrationCatalog, type IntegrationListing } from '../../lambdas/services/integration-catalog';
import { TestClock } from '../support/test-clock';

const integration = (i: number): IntegrationRecord => ({
  tenant: 't',
  id: `int-${i}`,
  name: `Integration ${String(1000 - i).padStart(4, '0')}`,
  provider: 'github',
  requireUserPat: i % 2 === 0,
  serviceCredential: { kind: 'token', ciphertext: 'c', hint: '****', setAt: '2026-01-01T00:00:00.000Z' },
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'admin',
  updatedAt: '2026-01-01T00:00:00.000Z',
  updatedBy: 'admin',
});

const override = (i: number, r: number): RepositoryOverrideRecord => ({
  integrationId: `int-${i}`,
  repositoryId: `acme/repo-${r}`,
  requireUserPat: (i + r) % 3 === 0,
  updatedAt: '2026-01-01T00:00:00.000Z',
  updatedBy: 'admin',
});

/** The store's one Query, counted (the catalog is what is under test, not DynamoDB). */
class CountingListing implements IntegrationListing {
  reads = 0;
  fail = false;
  constructor(
    public integrations: IntegrationRecord[],
    public overrides: RepositoryOverrideRecord[],
  ) {}
  async listWithOverrides(): Promise<{ integrations: IntegrationRecord[]; overrides: RepositoryOverrideRecord[] }> {
    this.reads += 1;
    if (this.fail) throw new Error('DynamoDB unavailable');
    return { integrations: [...this.integrations], overrides: [...this.overrides] };
  }
}

describe('integration catalog: overrides grouped by integration, the list cached per container', () => {
  const integrations = Array.from({ length: 200 }, (_, i) => integration(i));
  const overrides = integrations.flatMap((_, i) => Array.from({ length: 20 }, (__, r) => override(i, r)));

  it('gives each integration exactly its own overrides, integrations sorted by name', () => {
    // Interleaved on purpose: overrides of one integration are not adjacent.
    const shuffled = [...overrides].sort((a, b) => a.repositoryId.localeCompare(b.repositoryId));
    const catalog = catalogOf(integrations, shuffled);
    expect(catalog.map((e) => e.integration.name)).toEqual(integrations.map((i) => i.name).sort((a, b) => a.localeCompare(b)));
    for (const entry of catalog) {
      const expected = overrides.filter((o) => o.integrationId === entry.integration.id).map((o) => ({ repositoryId: o.repositoryId, requireUserPat: o.requireUserPat }));
      expect([...entry.overrides].sort((a, b) => a.repositoryId.localeCompare(b.repositoryId))).toEqual(expected.sort((a, b) => a.repositoryId.localeCompare(b.repositoryId)));
    }
    expect(catalogOf([integration(7)], [])).toEqual([{ integration: integration(7), overrides: [] }]);
  });

  it('reads the table once per 30 s per tenant; concurrent requests share one read', async () => {
    const clock = new TestClock();
    const store = new CountingListing(integrations, overrides);
    const catalog = new IntegrationCatalog(store, clock);
    const [a, b] = await Promise.all([catalog.of('t'), catalog.of('t')]);
    expect(store.reads).toBe(1);
    expect(a).toBe(b);
    clock.advance(29_000);
    await catalog.of('t');
    expect(store.reads).toBe(1);
    await catalog.of('other-tenant');
    expect(store.reads).toBe(2);
    clock.advance(2_000);
    await catalog.of('t');
    expect(store.reads).toBe(3);
  });

  it('a change made in this container shows at once (forget), and a failed read is not kept', async () => {
    const clock = new TestClock();
    const store = new CountingListing([integration(1)], []);
    const catalog = new IntegrationCatalog(store, clock);
    expect((await catalog.of('t'))[0]?.overrides).toEqual([]);
    store.overrides = [override(1, 5)];
    catalog.forget('t');
    expect((await catalog.of('t'))[0]?.overrides).toEqual([{ repositoryId: 'acme/repo-5', requireUserPat: true }]);
    catalog.forget('t');
    store.fail = true;
    await expect(catalog.of('t')).rejects.toThrow('DynamoDB unavailable');
    store.fail = false;
    await expect(catalog.of('t')).resolves.toHaveLength(1);
  });

  it('a site installed again gets a fresh list, not its previous installation\'s', async () => {
    const clock = new TestClock();
    const store = new CountingListing([integration(1)], []);
    const catalog = new IntegrationCatalog(store, clock);
    await catalog.of('t', '2026-01-01T00:00:00.000Z');
    await catalog.of('t', '2026-01-01T00:00:00.000Z');
    expect(store.reads).toBe(1);
    store.integrations = [];
    expect(await catalog.of('t', '2026-02-01T00:00:00.000Z')).toEqual([]);
    expect(store.reads).toBe(2);
  });

  it('keeps at most maxTenants lists', async () => {
    const clock = new TestClock();
    const store = new CountingListing([integration(1)], []);
    const catalog = new IntegrationCatalog(store, clock, { ttlMs: 30_000, maxTenants: 2 });
    await catalog.of('a');
    await catalog.of('b');
    await catalog.of('c');
    expect(store.reads).toBe(3);
    await catalog.of('c');
    await catalog.of('b');
    expect(store.reads).toBe(3);
    await catalog.of('a');
    expect(store.reads).toBe(4);
  });
});
