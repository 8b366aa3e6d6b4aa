import { chmod, mkdtemp, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { ensureDir, syncDir, wrapFsError } from '../io/atomic.js';

/** The prefix of a staging directory in DEST; a crash may leave one behind, never a half file in DEST. */
export const STAGE_PREFIX = '.distseal-partial-';

/**
 * A private directory inside DEST (so the final move is a rename on one file system): files are
 * downloaded and verified here, and only `land` puts them into DEST. `discard` removes it all.
 */
export interface Stage {
  dir: string;
  dest: string;
  /** Where a file named `name` is staged. */
  path(name: string): string;
  /** Move the staged `names` into DEST (each an atomic rename), then remove the stage. */
  land(names: string[]): Promise<string[]>;
  discard(): Promise<void>;
}

export async function openStage(dest: string): Promise<Stage> {
  await ensureDir(dest, 0o755);
  let dir: string;
  try {
    dir = await mkdtemp(path.join(dest, STAGE_PREFIX));
  } catch (error) {
    throw wrapFsError(error, dest, 'write into');
  }
  return {
    dir,
    dest,
    path: (name) => path.join(dir, name),
    land: async (names) => {
      const landed: string[] = [];
      for (const name of names) {
        const target = path.join(dest, name);
        try {
          // Staged 0600 while unverified; a landed download is an ordinary readable file.
          await chmod(path.join(dir, name), 0o644);
          await rename(path.join(dir, name), target);
        } catch (error) {
          throw wrapFsError(error, target, 'move the verified file to');
        }
        landed.push(target);
      }
      await syncDir(dest);
      await rm(dir, { recursive: true, force: true });
      return landed;
    },
    discard: () => rm(dir, { recursive: true, force: true }),
  };
}
