import type { Harness } from '../support/harness';

export interface TableChanges {
  readonly added: readonly Record<string, unknown>[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
}

const keyOf = (item: Record<string, unknown>): string => `${String(item.PK)} | ${String(item.SK)}`;

/** Every item of the test's table at one moment, to tell exactly what a request changed. */
export class TableSnapshot {
  private constructor(private readonly items: ReadonlyMap<string, { readonly json: string; readonly item: Record<string, unknown> }>) {}

  static async take(h: Harness): Promise<TableSnapshot> {
    const items = await h.scanAll();
    return new TableSnapshot(new Map(items.map((item) => [keyOf(item), { json: JSON.stringify(item), item }])));
  }

  get size(): number {
    return this.items.size;
  }

  changesSince(earlier: TableSnapshot): TableChanges {
    const added = [...this.items].filter(([key]) => !earlier.items.has(key)).map(([, { item }]) => item);
    const removed = [...earlier.items.keys()].filter((key) => !this.items.has(key));
    const changed = [...this.items].filter(([key, { json }]) => earlier.items.has(key) && earlier.items.get(key)?.json !== json).map(([key]) => key);
    return { added, removed, changed };
  }
}
