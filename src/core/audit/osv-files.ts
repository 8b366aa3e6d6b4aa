/**
 * OSV records on disk: a directory of `.yaml`/`.json` files (the PyPA repository's `vulns/`, an
 * unpacked dump) or an OSV dump zip. Each record and the record count are bounded. Loaded only
 * when such data is asked for (`--db DIR|ZIP`, `--update-db`), so a plain audit skips the YAML
 * parser and the zip reader.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { openZip } from '../archive/zip.js';
import { OperationalError } from '../errors.js';
import { CREDIT, databaseFromAdvisories, type AdvisoryDatabase } from './database.js';
import { advisoriesFromOsv, type CompactAdvisory } from './osv.js';

/** One OSV record file may not be larger than this (the largest PyPA record is ~100 KiB). */
export const MAX_RECORD_BYTES = 4 * 1024 * 1024;
/** A directory or dump may hold at most this many records. */
export const MAX_RECORDS = 500_000;

/** Parse one OSV record's text (.json or .yaml by name); throws with the file named. */
export function parseOsvText(text: string, name: string): unknown {
  try {
    return /\.json$/i.test(name) ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new OperationalError(
      'E_ADVISORY_DATA',
      `The advisory record ${name} cannot be parsed: ${(error as Error).message}.`,
      {
        subject: name,
        cause: error,
        hint: 'Fix or remove the record, or run `distseal audit --update-db` for a fresh copy.',
      },
    );
  }
}

/** Track the newest `modified` date among the records (the data's date). */
function newer(current: string, value: unknown): string {
  const rec = value as { modified?: unknown };
  const date = typeof rec?.modified === 'string' ? rec.modified.slice(0, 10) : '';
  return date > current ? date : current;
}

/** Read every .json/.yaml/.yml OSV record under `dir` (symlinks are not followed). */
export async function readOsvDirectory(dir: string): Promise<AdvisoryDatabase> {
  const records: Array<Map<string, CompactAdvisory>> = [];
  let date = '';
  let count = 0;
  const walk = async (current: string, depth: number): Promise<void> => {
    if (depth > 8) return;
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) await walk(full, depth + 1);
      if (!entry.isFile() || !/\.(json|ya?ml)$/i.test(entry.name)) continue;
      if (++count > MAX_RECORDS) throw tooMany(dir);
      const info = await lstat(full);
      if (info.size > MAX_RECORD_BYTES) throw tooLarge(full);
      const value = parseOsvText(await readFile(full, 'utf8'), full);
      date = newer(date, value);
      records.push(advisoriesFromOsv(value));
    }
  };
  try {
    await walk(dir, 0);
  } catch (error) {
    if (error instanceof OperationalError) throw error;
    throw new OperationalError(
      'E_ADVISORY_DATA',
      `The advisory directory ${dir} cannot be read: ${(error as Error).message}.`,
      { subject: dir, cause: error },
    );
  }
  if (count === 0) {
    throw new OperationalError('E_ADVISORY_DATA', `${dir} holds no OSV records (.json or .yaml files).`, {
      subject: dir,
      hint: 'Point --db at the vulns/ folder of the PyPA advisory database, an unpacked OSV dump, or a compact file.',
    });
  }
  return databaseFromAdvisories({ source: dir, date: date || 'unknown', credit: CREDIT }, records);
}

/** Read an OSV dump zip (`<ID>.json` members, as osv.dev publishes per ecosystem). */
export async function readOsvZip(file: string, source = file): Promise<AdvisoryDatabase> {
  let zip;
  try {
    zip = await openZip(file, { maxMemberBytes: MAX_RECORD_BYTES, maxEntries: MAX_RECORDS });
  } catch (error) {
    throw new OperationalError(
      'E_ADVISORY_DATA',
      `${source} is not a readable OSV dump: ${(error as Error).message}`,
      { subject: source, cause: error },
    );
  }
  try {
    const records: Array<Map<string, CompactAdvisory>> = [];
    let date = '';
    for (const entry of zip.entries) {
      if (entry.isDirectory || !/\.json$/i.test(entry.name)) continue;
      let text: string;
      try {
        text = (await zip.readEntry(entry.name, MAX_RECORD_BYTES)).toString('utf8');
      } catch (error) {
        throw new OperationalError(
          'E_ADVISORY_DATA',
          `${source} is damaged (member ${entry.name}): ${(error as Error).message}`,
          { subject: source, cause: error },
        );
      }
      const value = parseOsvText(text, `${source} (member ${entry.name})`);
      date = newer(date, value);
      records.push(advisoriesFromOsv(value));
    }
    if (records.length === 0)
      throw new OperationalError('E_ADVISORY_DATA', `${source} holds no OSV records.`, { subject: source });
    return databaseFromAdvisories({ source, date: date || 'unknown', credit: CREDIT }, records);
  } finally {
    await zip.close();
  }
}

function tooMany(dir: string): OperationalError {
  return new OperationalError(
    'E_ADVISORY_DATA',
    `${dir} holds more than ${MAX_RECORDS} files; that is not an advisory database.`,
    { subject: dir },
  );
}

function tooLarge(file: string): OperationalError {
  return new OperationalError(
    'E_ADVISORY_DATA',
    `${file} is larger than ${MAX_RECORD_BYTES} bytes; that is not one OSV record.`,
    { subject: file },
  );
}
