/**
 * Step 1 of a release: find the dists (the files named, or everything in dist/), read each
 * one's name and version, and group them. A mix of versions is refused unless allowed: a
 * release is one version of one or more projects.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { readDist, distEcosystem } from '../distributions/read-dist.js';
import { InputError, UsageError } from '../errors.js';
import { sha256File } from '../io/hash.js';
import { mapLimit, DEFAULT_SIGN_CONCURRENCY } from '../io/limit.js';
import { normalizePythonName } from '../names.js';
import { field } from '../distributions/python/metadata.js';
import { deriveSubdir } from '../distributions/conda/index-json.js';

export interface PlanFile {
  file: string;
  basename: string;
  ecosystem: 'python' | 'conda';
  name: string;
  version: string;
  size: number;
  sha256: string;
  /** A conda package's subdir (where a channel lists it). */
  subdir?: string;
}

export interface PlanGroup {
  name: string;
  version: string;
  files: string[];
}

export interface ReleasePlan {
  files: PlanFile[];
  groups: PlanGroup[];
  /** The directory that holds every file (where SHA256SUMS goes), when there is one. */
  dir?: string;
}

export interface PlanOptions {
  /** Files as given; empty means every dist in `defaultDir`. */
  files: string[];
  /** Where to look when no file is named (the CLI passes CWD/dist). */
  defaultDir: string;
  allowMixed?: boolean;
}

/** Names beside dists that are not dists: signatures, checksum lists, attestations. */
function isSidecar(name: string): boolean {
  return /\.(asc|sig|attestation|publish\.attestation)$/i.test(name) || /^SHA\d+SUMS/i.test(name);
}

/** The release plan: every dist read, hashed and grouped by project and version. */
export async function planRelease(options: PlanOptions): Promise<ReleasePlan> {
  let files = options.files;
  if (files.length === 0) {
    const names = await fs.readdir(options.defaultDir).catch(() => {
      throw new InputError('E_NO_DISTS', `No dists were named and ${options.defaultDir} does not exist.`, {
        subject: options.defaultDir,
        hint: 'Build the project first (e.g. python -m build, or rattler-build), or name the files.',
      });
    });
    files = names
      .filter((n) => distEcosystem(n) !== undefined && !isSidecar(n))
      .sort()
      .map((n) => path.join(options.defaultDir, n));
    if (files.length === 0)
      throw new InputError(
        'E_NO_DISTS',
        `There are no wheels, sdists or conda packages in ${options.defaultDir}.`,
        {
          subject: options.defaultDir,
          hint: 'Build the project first (e.g. python -m build), or name the files to release.',
        },
      );
  }
  files = files.filter((f) => !isSidecar(path.basename(f)));
  if (files.length === 0) throw new UsageError('Name at least one dist to release (not only .asc files).');
  const seen = new Set<string>();
  for (const f of files) {
    const base = path.basename(f);
    if (seen.has(base)) throw new UsageError(`Two files named ${base} were given.`, { subject: f });
    seen.add(base);
  }
  const read = await mapLimit(files, DEFAULT_SIGN_CONCURRENCY, async (file): Promise<PlanFile> => {
    const dist = await readDist(file);
    const name =
      dist.ecosystem === 'python'
        ? field(dist.metadata, 'name')
        : (str(dist.index.name) ?? dist.filename?.name);
    const version =
      dist.ecosystem === 'python'
        ? field(dist.metadata, 'version')
        : (str(dist.index.version) ?? dist.filename?.version);
    if (!name || !version)
      throw new InputError('E_METADATA', `${file} has no name or version in its metadata.`, {
        subject: file,
      });
    const size = (await fs.stat(file)).size;
    return {
      file,
      basename: path.basename(file),
      ecosystem: dist.ecosystem,
      name,
      version,
      size,
      sha256: await sha256File(file),
      subdir: dist.ecosystem === 'conda' ? deriveSubdir(dist.index) : undefined,
    };
  });
  const groups = new Map<string, PlanGroup>();
  for (const f of read) {
    const key = `${f.ecosystem === 'python' ? normalizePythonName(f.name) : f.name}\0${f.version}`;
    const g = groups.get(key) ?? { name: f.name, version: f.version, files: [] };
    g.files.push(f.file);
    groups.set(key, g);
  }
  const list = [...groups.values()];
  const versions = new Set(list.map((g) => g.version));
  if (versions.size > 1 && !options.allowMixed) {
    throw new UsageError(`These files are not one release: versions ${[...versions].join(', ')}.`, {
      hint: 'Release one version at a time (remove the old files from dist/), or pass --allow-mixed.',
    });
  }
  const dirs = new Set(read.map((f) => path.dirname(path.resolve(f.file))));
  return { files: read, groups: list, dir: dirs.size === 1 ? [...dirs][0] : undefined };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
