import type { BranchSummary, Listing } from './git-provider';

/**
 * How many of the host's pages one picker call reads at most. Hosts without a server-side search
 * (GitHub's repository and branch lists, Azure DevOps' repositories, CodeCommit) are filtered here,
 * so a query that matches nothing must not walk thousands of repositories: after this many pages the
 * answer says `truncated` and the user narrows the query.
 */
export const MAX_LIST_PAGES = 10;

/** One page of a host's list, and whether the host announced another (Link rel=next, x-next-page, a continuation token). */
export interface HostPage<T> {
  readonly items: readonly T[];
  readonly more: boolean;
}

/** Case-insensitive substring match; no query matches everything. */
export const matchesQuery = (text: string, query: string | undefined): boolean =>
  query === undefined || query === '' || text.toLowerCase().includes(query.toLowerCase());

/**
 * Reads the host's pages in order until `limit` matches are found (one more tells there are more),
 * the host has no further page, or MAX_LIST_PAGES were read.
 */
export const collectMatches = async <T>(pages: AsyncIterable<HostPage<T>>, matches: (item: T) => boolean, limit: number): Promise<Listing<T>> => {
  const found: T[] = [];
  let read = 0;
  for await (const page of pages) {
    read += 1;
    for (const item of page.items) {
      if (!matches(item)) continue;
      if (found.length === limit) return { items: found, truncated: true };
      found.push(item);
    }
    if (!page.more) return { items: found, truncated: false };
    if (read >= MAX_LIST_PAGES) return { items: found, truncated: true };
  }
  return { items: found, truncated: false };
};

/**
 * Branches for a picker: the default branch first whenever it matches the query (wherever the host
 * lists it), then the other matches in the host's order, `limit` in all. An empty repository has a
 * configured default branch but no branches: then nothing is listed.
 */
export const branchListing = async (
  pages: AsyncIterable<HostPage<string>>,
  defaultBranch: string | undefined,
  query: string | undefined,
  limit: number,
): Promise<Listing<BranchSummary>> => {
  let seen = 0;
  async function* counted(): AsyncIterable<HostPage<string>> {
    for await (const page of pages) {
      seen += page.items.length;
      yield page;
    }
  }
  const wanted = defaultBranch !== undefined && matchesQuery(defaultBranch, query) ? [defaultBranch] : [];
  const rest = await collectMatches(counted(), (name) => name !== defaultBranch && matchesQuery(name, query), limit - wanted.length);
  const leading = seen > 0 ? wanted : [];
  return {
    items: [...leading.map((name) => ({ name, isDefault: true })), ...rest.items.map((name) => ({ name, isDefault: false }))],
    truncated: rest.truncated,
  };
};
