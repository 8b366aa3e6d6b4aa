import path from 'node:path';

/**
 * How a file is named to a person: relative to the working directory when it lies below it,
 * else absolute (a `../../x` is harder to read than the full path). JSON output keeps paths whole.
 */
export function displayPath(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}
