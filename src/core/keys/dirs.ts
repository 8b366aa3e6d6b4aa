import { promises as fs } from 'node:fs';
import { errnoCode } from '../errors.js';
import { ensureDir, wrapFsError } from '../io/atomic.js';

/** mkdir -p with mode 0700 for every directory it creates (see ensureDir). */
export async function makeDirs(dir: string): Promise<void> {
  await ensureDir(dir, 0o700);
}

/** Names in a directory; a missing directory is empty. */
export async function listDir(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return [];
    throw wrapFsError(error, dir, 'read the directory');
  }
}
