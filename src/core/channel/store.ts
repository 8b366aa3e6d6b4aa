import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DistsealError, errnoCode } from '../errors.js';
import { ensureDir, wrapFsError, writeFileAtomic } from '../io/atomic.js';
import { readFileBounded } from '../io/bounded-read.js';
import { MAX_REPODATA_BYTES } from '../limits.js';
import { emptyRepodata, parseRepodata, serializeRepodata, type Repodata } from './repodata.js';

/** File names inside a channel subdir. */
export const REPODATA_FILE = 'repodata.json';
export const SIGNATURE_SUFFIX = '.asc';
export const CHANNEL_LOCK = '.distseal-channel.lock';

/** The limit named when a repodata.json is refused for its size. */
export const REPODATA_LIMIT = 'the repodata.json limit (256 MiB)';

/**
 * Read `<channel>/<subdir>/repodata.json`, or an empty one when absent. Damaged files throw; so
 * does one over `maxBytes` (E_TOO_LARGE), refused while it is read.
 */
export async function readSubdirRepodata(
  channel: string,
  subdir: string,
  maxBytes = MAX_REPODATA_BYTES,
): Promise<{ repodata: Repodata; existed: boolean }> {
  const file = path.join(channel, subdir, REPODATA_FILE);
  let text: string;
  try {
    text = (await readFileBounded(file, maxBytes, REPODATA_LIMIT)).toString('utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return { repodata: emptyRepodata(subdir), existed: false };
    if (error instanceof DistsealError) throw error;
    throw wrapFsError(error, file, 'read');
  }
  return { repodata: parseRepodata(text, file, subdir), existed: true };
}

/** Write repodata.json atomically and then its detached signature, also atomically. */
export async function writeSubdirRepodata(
  channel: string,
  subdir: string,
  repodata: Repodata,
  sign: (file: string) => Promise<string>,
): Promise<string> {
  const dir = path.join(channel, subdir);
  await ensureDir(dir, 0o755);
  const file = path.join(dir, REPODATA_FILE);
  await writeFileAtomic(file, serializeRepodata(repodata), { mode: 0o644 });
  const armored = await sign(file);
  await writeFileAtomic(file + SIGNATURE_SUFFIX, armored, { mode: 0o644 });
  return file;
}

/** Subdirs that hold a repodata.json (or packages) in a local channel, always including noarch. */
export async function listSubdirs(channel: string): Promise<string[]> {
  let names: string[];
  try {
    names = (await fs.readdir(channel, { withFileTypes: true }))
      .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
      .map((d) => d.name);
  } catch (error) {
    throw wrapFsError(error, channel, 'read the channel directory');
  }
  return [...new Set([...names, 'noarch'])].sort();
}

/** Same bytes? Compared by size first, then by content hash computed by the caller. */
export async function fileSize(file: string): Promise<number | undefined> {
  try {
    return (await fs.stat(file)).size;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw wrapFsError(error, file, 'read');
  }
}
