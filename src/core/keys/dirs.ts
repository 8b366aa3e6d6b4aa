import { promises as fs } from 'node:fs';
import path from 'node:path';
import { errnoCode } from '../errors.js';
import { wrapFsError } from '../fs/atomic.js';

/**
 * mkdir -p with mode 0700 for every directory it creates. Done one level at a time because
 * Node 20's recursive mkdir never returns on some pseudo file systems (/proc), which would hang
 * a user who points --home there.
 */
export async function makeDirs(dir: string): Promise<void> {
  const missing: string[] = [];
  let current = path.resolve(dir);
  for (;;) {
    const st = await fs.stat(current).catch((error: unknown) => {
      if (errnoCode(error) === 'ENOENT') return undefined;
      throw wrapFsError(error, current, 'create the directory');
    });
    if (st) {
      if (!st.isDirectory()) throw wrapFsError(Object.assign(new Error('not a directory'), { code: 'ENOTDIR' }), current, 'use the directory');
      break;
    }
    missing.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const d of missing) {
    try {
      await fs.mkdir(d, { mode: 0o700 });
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw wrapFsError(error, d, 'create the directory');
    }
  }
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

