import os from 'node:os';

/** Hashing is I/O + OpenSSL bound; a few files at a time saturate the disk and cores. */
export const DEFAULT_SIGN_CONCURRENCY = Math.max(1, Math.min(4, os.availableParallelism()));

/**
 * Map with at most `limit` tasks in flight, keeping order. The first error wins and stops the
 * run: no new task starts after it, and the promise rejects only once the tasks already in
 * flight have settled, so nothing (an .asc file, say) is written after the caller saw the error.
 */
export async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  let firstError: unknown;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!, i);
      } catch (error) {
        if (!failed) firstError = error;
        failed = true;
      }
    }
  });
  await Promise.all(workers);
  if (failed) throw firstError;
  return results;
}
