/** Reindexing a channel subdir from the package files on disk (`channel add --rebuild`). */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { condaDigests } from '../distributions/conda/digests.js';
import { requireValidIndex } from '../distributions/conda/index-json.js';
import { readCondaMeta } from '../distributions/conda/read.js';
import { errnoCode } from '../errors.js';
import { wrapFsError } from '../io/atomic.js';
import { mapLimit } from '../io/limit.js';
import type { Logger } from '../logger.js';
import { recordFor, sectionFor, type Repodata } from './repodata.js';

/** Reindex every package file in a subdir from scratch (for a damaged repodata.json). */
export async function rebuildSubdir(
  channel: string,
  subdir: string,
  concurrency: number,
  logger: Logger,
): Promise<Repodata> {
  const dir = path.join(channel, subdir);
  const repodata: Repodata = {
    info: { subdir },
    packages: {},
    'packages.conda': {},
    removed: [],
    repodata_version: 1,
  };
  let names: string[] = [];
  try {
    names = await fs.readdir(dir);
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw wrapFsError(error, dir, 'read');
  }
  const packages = names.filter((n) => n.endsWith('.conda') || n.endsWith('.tar.bz2')).sort();
  const records = await mapLimit(packages, concurrency, async (name) => {
    const file = path.join(dir, name);
    try {
      const meta = await readCondaMeta(file);
      const index = requireValidIndex(meta.index, file, meta.filename);
      return recordFor(index, await condaDigests(file));
    } catch (error) {
      logger.warn(`Skipping ${file}: ${(error as Error).message}`);
      return undefined;
    }
  });
  packages.forEach((name, i) => {
    if (records[i]) repodata[sectionFor(name)][name] = records[i]!;
  });
  return repodata;
}
