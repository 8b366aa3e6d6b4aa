import os from 'node:os';

/** Hashing is I/O + OpenSSL bound; a few files at a time saturate the disk and cores. */
export const DEFAULT_SIGN_CONCURRENCY = Math.max(1, Math.min(4, os.availableParallelism()));

/** Map with at most `limit` tasks in flight, keeping order; the first error wins. */
export async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  });
  await Promise.all(workers);
  return results;
}
