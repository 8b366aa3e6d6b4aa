/**
 * Where advisory data comes from: `--db PATH` (a directory of OSV records laid out like the
 * PyPA repository or an OSV dump, an OSV dump zip, or a compact file), else the copy
 * `--update-db` left in the home, else the compact file shipped in the package.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode, OperationalError } from '../errors.js';
import { bundledDatabasePath, HOME_DB_NAME, readCompactFile, type AdvisoryDatabase } from './database.js';

export interface LoadDatabaseOptions {
  /** --db: a directory of OSV records, an OSV dump .zip, or a compact .json.gz file. */
  db?: string;
  /** The distseal home, where --update-db keeps its copy. */
  home?: string;
  /** Override the shipped file (tests). */
  bundled?: string;
}

/** Load the advisory data by the documented order: --db, the home's copy, the shipped file. */
export async function loadDatabase(options: LoadDatabaseOptions = {}): Promise<AdvisoryDatabase> {
  if (options.db) {
    const info = await stat(options.db).catch((error: unknown) => {
      throw new OperationalError(
        'E_ADVISORY_DATA',
        `--db ${options.db} ${errnoCode(error) === 'ENOENT' ? 'does not exist' : 'cannot be read'}.`,
        {
          subject: options.db,
          cause: error,
          hint: 'Name a directory of OSV records, an OSV dump .zip, or a compact advisories.json.gz.',
        },
      );
    });
    if (info.isDirectory()) return (await import('./osv-files.js')).readOsvDirectory(options.db);
    if (/\.zip$/i.test(options.db)) return (await import('./osv-files.js')).readOsvZip(options.db);
    return readCompactFile(options.db);
  }
  if (options.home) {
    const own = path.join(options.home, HOME_DB_NAME);
    const exists = await stat(own).then(
      () => true,
      () => false,
    );
    if (exists) return readCompactFile(own);
  }
  return readCompactFile(options.bundled ?? bundledDatabasePath(), 'bundled');
}
