import { branchListing, collectMatches, matchesQuery, MAX_LIST_PAGES, type HostPage } from '../../lambdas/hosts/listing';

/** A host's pages, counting how many were read. */
const pagesOf = <T>(pages: readonly (readonly T[])[]) => {
  const stats = { read: 0 };
  async function* iterate(): AsyncIterable<HostPage<T>> {
    for (const [index, items] of pages.entries()) {
      stats.read += 1;
      yield { items, more: index < pages.length - 1 };
    }
  }
  return { pages: iterate(), stats };
};

describe('picker listings', () => {
  it('matches case-insensitive substrings; an empty query matches everything', () => {
    expect(matchesQuery('Acme/Web', 'me/w')).toBe(true);
    expect(matchesQuery('Acme/Web', 'ACME')).toBe(true);
    expect(matchesQuery('Acme/Web', 'api')).toBe(false);
    expect(matchesQuery('x', undefined)).toBe(true);
    expect(matchesQuery('x', '')).toBe(true);
  });

  it('stops reading pages once it holds one match past the limit', async () => {
    const { pages, stats } = pagesOf([['a1', 'b1', 'a2'], ['a3', 'a4'], ['a5']]);
    expect(await collectMatches(pages, (item) => item.startsWith('a'), 3)).toEqual({ items: ['a1', 'a2', 'a3'], truncated: true });
    expect(stats.read).toBe(2);
  });

  it('is not truncated when exactly `limit` matches exist', async () => {
    const { pages } = pagesOf([['a1', 'a2'], ['a3']]);
    expect(await collectMatches(pages, () => true, 3)).toEqual({ items: ['a1', 'a2', 'a3'], truncated: false });
  });

  it(`reads at most ${MAX_LIST_PAGES} pages, and says it stopped early only when the host had more`, async () => {
    const many = pagesOf(Array.from({ length: MAX_LIST_PAGES + 3 }, (_, i) => [`p${i}`]));
    expect(await collectMatches(many.pages, (item) => item === 'p12', 5)).toEqual({ items: [], truncated: true });
    expect(many.stats.read).toBe(MAX_LIST_PAGES);
    const exact = pagesOf(Array.from({ length: MAX_LIST_PAGES }, (_, i) => [`p${i}`]));
    expect(await collectMatches(exact.pages, () => false, 5)).toEqual({ items: [], truncated: false });
  });

  it('puts the default branch first when it matches, wherever the host lists it, and counts it in the limit', async () => {
    const { pages } = pagesOf([['a', 'b'], ['c', 'main']]);
    expect(await branchListing(pages, 'main', undefined, 3)).toEqual({
      items: [{ name: 'main', isDefault: true }, { name: 'a', isDefault: false }, { name: 'b', isDefault: false }],
      truncated: true,
    });
    const matching = pagesOf([['a', 'b', 'main']]);
    expect(await branchListing(matching.pages, 'main', 'A', 50)).toEqual({ items: [{ name: 'main', isDefault: true }, { name: 'a', isDefault: false }], truncated: false });
    const empty = pagesOf<string>([[]]);
    expect(await branchListing(empty.pages, 'main', undefined, 50)).toEqual({ items: [], truncated: false });
    const notMatching = pagesOf([['a', 'b', 'main']]);
    expect(await branchListing(notMatching.pages, 'main', 'B', 50)).toEqual({ items: [{ name: 'b', isDefault: false }], truncated: false });
  });
});
