import { InputError } from '../errors.js';
import type { CondaDigests } from '../distributions/conda/digests.js';

/**
 * repodata.json exactly as conda-index writes it (conda-index `index_subdir` and
 * `cache.py::extract_to_cache_unconditional`; specs/conda.md section 4).
 */

/** Keys conda-index drops from index.json when it makes a repodata record. */
export const STRIPPED_KEYS = [
  'arch',
  'has_prefix',
  'mtime',
  'platform',
  'ucs',
  'requires_features',
  'binstar',
  'target-triplet',
  'machine',
  'operatingsystem',
] as const;

export const REPODATA_VERSION = 1;

export type RepodataRecord = Record<string, unknown> & {
  name: string;
  version: string;
  build: string;
  md5: string;
  sha256: string;
  size: number;
};

export interface Repodata {
  info: { subdir: string; [key: string]: unknown };
  packages: Record<string, RepodataRecord>;
  'packages.conda': Record<string, RepodataRecord>;
  removed: string[];
  repodata_version: number;
  [key: string]: unknown;
}

/** A record: index.json minus the stripped keys, plus md5, sha256 and size of the artifact. */
export function recordFor(
  index: Record<string, unknown>,
  digests: Pick<CondaDigests, 'md5' | 'sha256' | 'size'>,
): RepodataRecord {
  const record: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(index))
    if (!(STRIPPED_KEYS as readonly string[]).includes(key)) record[key] = value;
  record.md5 = digests.md5;
  record.sha256 = digests.sha256;
  record.size = digests.size;
  return record as RepodataRecord;
}

export function emptyRepodata(subdir: string): Repodata {
  return {
    info: { subdir },
    packages: {},
    'packages.conda': {},
    removed: [],
    repodata_version: REPODATA_VERSION,
  };
}

/** The section a file's record lives in: `packages` for .tar.bz2, `packages.conda` for .conda. */
export function sectionFor(filename: string): 'packages' | 'packages.conda' {
  return filename.endsWith('.conda') ? 'packages.conda' : 'packages';
}

/**
 * Parse an existing repodata.json. An empty file counts as `{}` (CEP 36). Anything that is not
 * a repodata object is refused, naming the file, so a damaged index is never silently replaced.
 */
export function parseRepodata(text: string, file: string, subdir: string): Repodata {
  if (text.trim() === '') return emptyRepodata(subdir);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw corrupt(file, `it is not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw corrupt(file, 'it is not a JSON object');
  const data = value as Record<string, unknown>;
  for (const key of ['packages', 'packages.conda'] as const) {
    if (
      data[key] !== undefined &&
      (typeof data[key] !== 'object' || data[key] === null || Array.isArray(data[key]))
    ) {
      throw corrupt(file, `"${key}" is not an object`);
    }
  }
  const info = (typeof data.info === 'object' && data.info !== null ? data.info : {}) as Repodata['info'];
  if (info.subdir !== undefined && info.subdir !== subdir)
    throw corrupt(file, `info.subdir is "${String(info.subdir)}" but the file is in ${subdir}/`);
  return {
    ...data,
    info: { ...info, subdir },
    packages: (data.packages as Repodata['packages']) ?? {},
    'packages.conda': (data['packages.conda'] as Repodata['packages.conda']) ?? {},
    removed: Array.isArray(data.removed) ? (data.removed as string[]) : [],
    repodata_version: typeof data.repodata_version === 'number' ? data.repodata_version : REPODATA_VERSION,
  };
}

function corrupt(file: string, why: string): InputError {
  return new InputError('E_REPODATA_CORRUPT', `${file} is damaged: ${why}.`, {
    subject: file,
    hint: 'Nothing was changed. Restore it from a backup, or rebuild it from the packages with `distseal channel add --rebuild CHANNEL_DIR`.',
  });
}

/**
 * Serialize as conda-index does by default (`ChannelIndex.json_dumps` with compact_json):
 * Python's `json.dumps(data, sort_keys=True, separators=(",", ":"))`, which also escapes every
 * non-ASCII character as \uXXXX (ensure_ascii).
 */
export function serializeRepodata(repodata: Repodata): string {
  return pythonJson(repodata);
}

/** Python json.dumps(sort_keys=True, separators=(',', ':'), ensure_ascii=True). */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return pythonString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort(comparePython);
  return `{${keys.map((k) => `${pythonString(k)}:${pythonJson(obj[k])}`).join(',')}}`;
}

/** Python sorts str keys by code point; JS sort compares UTF-16 units. Same for the BMP, fixed for the rest. */
function comparePython(a: string, b: string): number {
  const ca = [...a].map((c) => c.codePointAt(0)!);
  const cb = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(ca.length, cb.length); i += 1) if (ca[i] !== cb[i]) return ca[i]! - cb[i]!;
  return ca.length - cb.length;
}

function pythonString(s: string): string {
  // JSON.stringify escapes ", \ and control characters the same way Python does; then escape non-ASCII.
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) =>
    c === '\u007f' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
