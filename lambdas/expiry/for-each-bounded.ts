/**
 * Runs `work` over `items`, at most `concurrency` at once, starting each only while `keepGoing()` holds;
 * work already started always finishes.
 */
export const forEachBounded = async <T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>, keepGoing: () => boolean): Promise<void> => {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && keepGoing()) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
};
