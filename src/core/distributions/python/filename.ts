/**
 * Python dist filenames: wheels (binary-distribution-format: `{name}-{version}(-{build})?-
 * {python}-{abi}-{platform}.whl`) and sdists (PEP 625: `{name}-{version}.tar.gz`, plus the legacy
 * `.zip`). See specs/pypi-upload.md §7.
 */
import { normalizePythonName } from '../../names.js';

export type PythonDistKind = 'wheel' | 'sdist';

export interface WheelFilename {
  kind: 'wheel';
  /** As written in the filename (usually `_` for `-`). */
  name: string;
  version: string;
  build?: string;
  /** Dot-joined tag sets as written, e.g. `py2.py3`, `cp312`, `none`, `any`. */
  pythonTag: string;
  abiTag: string;
  platformTag: string;
}

export interface SdistFilename {
  kind: 'sdist';
  name: string;
  version: string;
  /** `.tar.gz` or `.zip`. */
  extension: '.tar.gz' | '.zip';
}

export type PythonFilename = WheelFilename | SdistFilename;

/** The kind of Python dist a filename says it is, or undefined (not a Python dist). */
export function pythonDistKind(basename: string): PythonDistKind | undefined {
  if (/\.whl$/i.test(basename)) return 'wheel';
  if (/\.(tar\.gz|zip)$/i.test(basename)) return 'sdist';
  return undefined;
}

/** Parse a wheel filename; undefined when it does not have the five or six dash-separated parts. */
export function parseWheelFilename(basename: string): WheelFilename | undefined {
  const m = /^([^-]+)-([^-]+)(?:-(\d[^-]*))?-([^-]+)-([^-]+)-([^-]+)\.whl$/i.exec(basename);
  if (!m) return undefined;
  return {
    kind: 'wheel',
    name: m[1]!,
    version: m[2]!,
    build: m[3],
    pythonTag: m[4]!,
    abiTag: m[5]!,
    platformTag: m[6]!,
  };
}

/**
 * Parse an sdist filename. The name may contain `-` in legacy sdists (`my-pkg-1.0.tar.gz`), so
 * the version starts at the last `-` followed by a digit (PEP 625 names use `_` and have no such
 * ambiguity).
 */
export function parseSdistFilename(basename: string): SdistFilename | undefined {
  const ext = /\.tar\.gz$/i.test(basename) ? '.tar.gz' : /\.zip$/i.test(basename) ? '.zip' : undefined;
  if (!ext) return undefined;
  const stem = basename.slice(0, -ext.length);
  const m = /^(.+)-(\d[^-]*)$/.exec(stem) ?? /^(.+?)-([^-]+)$/.exec(stem);
  if (!m) return undefined;
  return { kind: 'sdist', name: m[1]!, version: m[2]!, extension: ext };
}

export function parsePythonFilename(basename: string): PythonFilename | undefined {
  const kind = pythonDistKind(basename);
  if (kind === 'wheel') return parseWheelFilename(basename);
  if (kind === 'sdist') return parseSdistFilename(basename);
  return undefined;
}

/** The `pyversion` form field twine sends: the wheel's python tag, `source` for sdists. */
export function pyversionFor(parsed: PythonFilename): string {
  return parsed.kind === 'wheel' ? parsed.pythonTag : 'source';
}

/** The `filetype` form field: `bdist_wheel` or `sdist`. */
export function filetypeFor(kind: PythonDistKind): 'bdist_wheel' | 'sdist' {
  return kind === 'wheel' ? 'bdist_wheel' : 'sdist';
}

/** The PEP 625 / wheel spelling of a project name: PEP 503 normalized with `_` for `-`. */
export function filenameSafeName(name: string): string {
  return normalizePythonName(name).replace(/-/g, '_');
}

/** Do a filename's name part and a metadata Name denote the same project (PEP 503)? */
export function sameProject(filenameName: string, metadataName: string): boolean {
  return normalizePythonName(filenameName) === normalizePythonName(metadataName);
}

/**
 * Do a filename's version and the metadata Version agree? Wheel filenames replace `-` with `_`
 * and tools normalize (1.0.0 vs 1.0, 1.0-1 vs 1.0.post1), so compare PEP 440 canonical forms.
 */
export function sameVersion(filenameVersion: string, metadataVersion: string): boolean {
  const a = canonicalVersion(filenameVersion.replace(/_/g, '-'));
  const b = canonicalVersion(metadataVersion);
  return a !== undefined && b !== undefined ? a === b : filenameVersion === metadataVersion;
}

/** PEP 440's public version regex (packaging's VERSION_PATTERN), case-insensitive, with spaces allowed around it. */
const PEP440 =
  /^\s*v?(?:(?:(?<epoch>[0-9]+)!)?(?<release>[0-9]+(?:\.[0-9]+)*)(?<pre>[-_.]?(?<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<pre_n>[0-9]+)?)?(?<post>(?:-(?<post_n1>[0-9]+))|(?:[-_.]?(?<post_l>post|rev|r)[-_.]?(?<post_n2>[0-9]+)?))?(?<dev>[-_.]?(?<dev_l>dev)[-_.]?(?<dev_n>[0-9]+)?)?)(?:\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$/i;

/** True for a valid PEP 440 version. */
export function isValidVersion(version: string): boolean {
  return PEP440.test(version);
}

/** The PEP 440 canonical form (packaging's canonicalize_version without stripping zeros), or undefined. */
export function canonicalVersion(version: string): string | undefined {
  const m = PEP440.exec(version);
  if (!m?.groups) return undefined;
  const g = m.groups;
  let out = '';
  if (g.epoch && Number(g.epoch) !== 0) out += `${Number(g.epoch)}!`;
  const release = g.release!.split('.').map((p) => String(Number(p)));
  while (release.length > 1 && release[release.length - 1] === '0') release.pop();
  out += release.join('.');
  if (g.pre_l) {
    const label = g.pre_l.toLowerCase();
    const norm =
      label === 'alpha'
        ? 'a'
        : label === 'beta'
          ? 'b'
          : ['c', 'pre', 'preview'].includes(label)
            ? 'rc'
            : label;
    out += `${norm}${Number(g.pre_n ?? 0)}`;
  }
  if (g.post) out += `.post${Number(g.post_n1 ?? g.post_n2 ?? 0)}`;
  if (g.dev) out += `.dev${Number(g.dev_n ?? 0)}`;
  if (g.local) out += `+${g.local.toLowerCase().replace(/[-_]/g, '.')}`;
  return out;
}

/** A valid project name (PEP 508 / Warehouse's regex). */
export function isValidProjectName(name: string): boolean {
  return /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i.test(name);
}

/** twine's "safe name" for the `name` form field: runs of `[^A-Za-z0-9.]` become `-`, case kept. */
export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9.]+/g, '-');
}
