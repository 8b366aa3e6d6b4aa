import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** The example key from keys-example/ (never trust it). */
export const EXAMPLE_FPR = '2D28D36625F7B560715E1EC3939327BD1F11724B';
export const EXAMPLE_PASSPHRASE = 'example-passphrase-do-not-use';

/**
 * A fingerprint of a whole directory tree (names, modes, contents), to prove that a failed
 * command changed nothing in the home. A missing directory snapshots as "absent".
 */
export async function snapshotTree(dir: string): Promise<string> {
  const hash = createHash('sha256');
  async function walk(d: string): Promise<void> {
    let names: string[];
    try {
      names = (await fs.readdir(d)).sort();
    } catch {
      hash.update(`absent:${d}\n`);
      return;
    }
    for (const name of names) {
      const p = path.join(d, name);
      const st = await fs.lstat(p);
      hash.update(`${path.relative(dir, p)} ${(st.mode & 0o7777).toString(8)}\n`);
      if (st.isDirectory()) await walk(p);
      else hash.update(await fs.readFile(p));
    }
  }
  await walk(dir);
  return hash.digest('hex');
}

/** File mode bits (e.g. 0o600). */
export async function modeOf(file: string): Promise<number> {
  return (await fs.stat(file)).mode & 0o777;
}
