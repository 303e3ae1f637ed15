/**
 * Runs `work` on every item with at most `limit` running at once, in order of the items, and resolves
 * when all are done (a failure of one is the caller's to catch inside `work`: the others go on). Between
 * items each runner awaits, so the event loop serves other requests throughout.
 */
export async function forEachConcurrently<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const runner = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, runner));
}
