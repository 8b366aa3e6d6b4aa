/**
 * The advisory data the dependency check reads: distseal's compact file (a gzipped JSON of
 * per-package advisories, built from the PyPA advisory database by scripts/build-advisory-db.mjs
 * or from OSV's dump by `audit --update-db`), or a directory of OSV records. Every read is
 * bounded; data that cannot be read is an operational error (exit 1), never an empty database.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { valid } from '@renovatebot/pep440';
import { errnoCode, OperationalError } from '../errors.js';
import { normalizePythonName } from '../names.js';
import { fixVersions, isAffected, sortVersions } from './match.js';
import type { CompactAdvisory } from './osv.js';
import { SEVERITY_RANK, type Severity, type Vuln } from './types.js';

export const CREDIT = 'PyPA Advisory Database (CC-BY 4.0)';
export const COMPACT_SCHEMA = 'distseal/advisories@1';
/** The compact file in the home that `--update-db` writes and every later audit reads. */
export const HOME_DB_NAME = 'advisories.json.gz';
/** A compact file may not inflate past this (the full OSV PyPI dump compacts to a few MiB). */
export const MAX_COMPACT_BYTES = 256 * 1024 * 1024;
/** Data older than this many days gets a warning in every report. */
export const STALE_DAYS = 30;

export interface DatabaseMeta {
  /** `bundled`, a path, or a URL. */
  source: string;
  /** The day the data was taken (YYYY-MM-DD). */
  date: string;
  commit?: string;
  credit: string;
}

export interface AdvisoryDatabase {
  meta: DatabaseMeta;
  packages: Map<string, CompactAdvisory[]>;
}

interface CompactFile {
  schema: string;
  date: string;
  commit?: string;
  source?: string;
  credit?: string;
  packages: Record<string, CompactAdvisory[]>;
}

/** The compact file shipped in the package (data/advisories.json.gz beside dist/). */
export function bundledDatabasePath(): string {
  return path.resolve(
    path.dirname(fileURLToPath(import.meta.url)),
    '..',
    '..',
    '..',
    '..',
    'data',
    HOME_DB_NAME,
  );
}

/** Serialize a database as the compact file (gzipped JSON, names sorted for stable output). */
export function encodeCompact(db: AdvisoryDatabase): Buffer {
  const packages: Record<string, CompactAdvisory[]> = {};
  for (const name of [...db.packages.keys()].sort()) {
    packages[name] = [...db.packages.get(name)!].sort((a, b) => a.id.localeCompare(b.id));
  }
  const file: CompactFile = {
    schema: COMPACT_SCHEMA,
    date: db.meta.date,
    commit: db.meta.commit,
    source: db.meta.source,
    credit: db.meta.credit,
    packages,
  };
  return zlib.gzipSync(JSON.stringify(file), { level: 9 });
}

function unreadable(what: string, detail: string, cause?: unknown): OperationalError {
  return new OperationalError('E_ADVISORY_DATA', `The advisory data ${what} cannot be read: ${detail}.`, {
    subject: what,
    cause,
    hint: 'Run `distseal audit --update-db` to fetch fresh data, or point --db at a directory of OSV records.',
  });
}

/** Parse a compact file's bytes. `source` is what the report shows as the data's origin. */
export function decodeCompact(bytes: Buffer, what: string, source: string): AdvisoryDatabase {
  let text: string;
  try {
    text = zlib.gunzipSync(bytes, { maxOutputLength: MAX_COMPACT_BYTES }).toString('utf8');
  } catch (error) {
    throw unreadable(what, `it is not gzip data or expands past ${MAX_COMPACT_BYTES} bytes`, error);
  }
  let file: CompactFile;
  try {
    file = JSON.parse(text) as CompactFile;
  } catch (error) {
    throw unreadable(what, 'it is not JSON', error);
  }
  if (
    file?.schema !== COMPACT_SCHEMA ||
    typeof file.date !== 'string' ||
    typeof file.packages !== 'object' ||
    file.packages === null
  ) {
    throw unreadable(what, `it is not a ${COMPACT_SCHEMA} file`);
  }
  const packages = new Map<string, CompactAdvisory[]>();
  for (const [name, list] of Object.entries(file.packages)) {
    if (!Array.isArray(list) || !list.every(isAdvisory))
      throw unreadable(what, `the entry for ${name} is malformed`);
    packages.set(normalizePythonName(name), list);
  }
  // The origin written into the file (a URL, the PyPA repository) says more than where it lies now.
  const origin =
    typeof file.source === 'string' && file.source
      ? source === 'bundled'
        ? `bundled copy of ${file.source}`
        : file.source
      : source;
  return {
    meta: { source: origin, date: file.date, commit: file.commit, credit: file.credit ?? CREDIT },
    packages,
  };
}

function isAdvisory(a: unknown): a is CompactAdvisory {
  const x = a as CompactAdvisory;
  return (
    typeof x?.id === 'string' &&
    Array.isArray(x.aliases) &&
    Array.isArray(x.ranges) &&
    Array.isArray(x.versions) &&
    typeof x.summary === 'string'
  );
}

/** Read a compact file from disk. */
export async function readCompactFile(file: string, source = file): Promise<AdvisoryDatabase> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw unreadable(
      file,
      errnoCode(error) === 'ENOENT' ? 'it does not exist' : (error as Error).message,
      error,
    );
  }
  return decodeCompact(bytes, file, source);
}

/** Collect per-record advisories into one database (the builder for directories, dumps and the script). */
export function databaseFromAdvisories(
  meta: DatabaseMeta,
  perRecord: Iterable<Map<string, CompactAdvisory>>,
): AdvisoryDatabase {
  const packages = new Map<string, CompactAdvisory[]>();
  for (const rec of perRecord) {
    for (const [name, advisory] of rec) {
      const list = packages.get(name) ?? [];
      if (!list.some((a) => a.id === advisory.id)) list.push(advisory);
      packages.set(name, list);
    }
  }
  return { meta, packages };
}

/** Days from the data's date to `now` (undefined when the date does not parse). */
export function ageInDays(date: string, now: Date): number | undefined {
  const t = Date.parse(`${date.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(t) ? undefined : Math.floor((now.getTime() - t) / 86_400_000);
}

function preferredId(ids: string[]): string {
  return ids.find((i) => i.startsWith('PYSEC-')) ?? ids.find((i) => i.startsWith('GHSA-')) ?? ids[0]!;
}

/**
 * The advisories that apply to `name==version`, one finding per vulnerability: records that
 * name each other as aliases (a PYSEC and its GHSA) are merged, keeping the PYSEC id like
 * pip-audit, with every other id as an alias and the union of fix versions.
 */
export function vulnsFor(db: AdvisoryDatabase, name: string, version: string): Vuln[] {
  const hits = (db.packages.get(normalizePythonName(name)) ?? []).filter((a) => isAffected(version, a));
  return mergeAliases(hits);
}

/** Merge advisories that share an id or alias into one Vuln each. */
export function mergeAliases(hits: CompactAdvisory[]): Vuln[] {
  const groups: CompactAdvisory[][] = [];
  for (const advisory of hits) {
    const names = new Set([advisory.id, ...advisory.aliases]);
    const joined = groups.filter((g) =>
      g.some((a) => names.has(a.id) || a.aliases.some((x) => names.has(x))),
    );
    const merged = [advisory, ...joined.flat()];
    for (const g of joined) groups.splice(groups.indexOf(g), 1);
    groups.push(merged);
  }
  return groups
    .map((group) => {
      const ids = group.map((a) => a.id).sort();
      const id = preferredId(ids);
      const main = group.find((a) => a.id === id)!;
      const aliases = [...new Set(group.flatMap((a) => [a.id, ...a.aliases]))].filter((a) => a !== id).sort();
      const rated = group.map((a) => a.severity).filter((s): s is Severity => s !== undefined);
      const severity = rated.length
        ? rated.reduce((x, y) => (SEVERITY_RANK[y] > SEVERITY_RANK[x] ? y : x))
        : 'high';
      const fixes = sortVersions(group.flatMap(fixVersions).filter((v) => valid(v) !== null));
      return { id, fix_versions: fixes, aliases, description: main.summary, severity };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}
