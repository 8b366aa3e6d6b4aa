/**
 * Project names as the two ecosystems spell them, and the project a dist file belongs to.
 * Pins in the trust policy are keyed by these normalized names.
 */

export type Ecosystem = 'python' | 'conda';

/** PEP 503: lowercase, each run of `-`, `_`, `.` becomes one `-`. */
export function normalizePythonName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** Conda names are lowercase ASCII; `_`, `-` and `.` are distinct (CEP 26), so only case folds. */
export function normalizeCondaName(name: string): string {
  return name.toLowerCase();
}

export interface ProjectRef {
  ecosystem: Ecosystem;
  /** The normalized name. */
  name: string;
}

/** Source archive endings pip accepts (pip's ARCHIVE_EXTENSIONS, less the wheel), matched case-insensitively. */
export const SDIST_EXTENSIONS = [
  '.tar.gz',
  '.tgz',
  '.tar',
  '.tar.bz2',
  '.tbz',
  '.tar.xz',
  '.txz',
  '.tlz',
  '.tar.lz',
  '.tar.lzma',
  '.zip',
] as const;

/** What may follow `{name}-` in an archive pip would take as that project's: a PEP 440 version starts so. */
const VERSION_START = /^v?[0-9]/i;

function stripEnding(basename: string, endings: readonly string[]): string | undefined {
  const lower = basename.toLowerCase();
  const ending = endings.filter((e) => lower.endsWith(e)).sort((a, b) => b.length - a.length)[0];
  return ending ? basename.slice(0, basename.length - ending.length) : undefined;
}

/**
 * Every project a dist file could be taken for by pip or conda, from its file name alone
 * (empty when the name is no dist name at all: a SHA256SUMS, a README).
 *
 * Pins in the trust policy apply to each of these, so a file cannot escape its project's pins by
 * a name pip still accepts: any archive ending pip knows, in any case (`Requests-2.0.ZIP`), and
 * any `{name}-{version}` split, since pip splits where the project name it looks for ends
 * (`requests-2.0-1.tgz` is requests 2.0-1 to pip, so both `requests` and `requests-2.0` count).
 * Wheels are `{name}-...` (the name holds no hyphen), conda packages `{name}-{ver}-{build}.conda`
 * or `.tar.bz2` (split on the last two hyphens).
 */
export function projectsFromFilename(basename: string): ProjectRef[] {
  const refs: ProjectRef[] = [];
  const add = (ref: ProjectRef) => {
    if (ref.name && !refs.some((r) => r.ecosystem === ref.ecosystem && r.name === ref.name)) refs.push(ref);
  };
  const condaStem = stripEnding(basename, ['.conda', '.tar.bz2']);
  const conda = condaStem === undefined ? null : /^(.+)-([^-]+)-([^-]+)$/.exec(condaStem);
  if (conda) add({ ecosystem: 'conda', name: normalizeCondaName(conda[1]!) });
  const wheelStem = stripEnding(basename, ['.whl']);
  if (wheelStem !== undefined) {
    const name = wheelStem.split('-')[0]!;
    if (name) add({ ecosystem: 'python', name: normalizePythonName(name) });
  }
  const sdistStem = stripEnding(basename, SDIST_EXTENSIONS);
  if (sdistStem !== undefined) {
    for (let i = sdistStem.indexOf('-'); i > 0; i = sdistStem.indexOf('-', i + 1)) {
      if (VERSION_START.test(sdistStem.slice(i + 1)))
        add({ ecosystem: 'python', name: normalizePythonName(sdistStem.slice(0, i)) });
    }
  }
  return refs;
}

/**
 * The project a dist file most likely belongs to (the first of projectsFromFilename), or undefined.
 * For trust decisions use projectsFromFilename: a name can be read more than one way.
 */
export function projectFromFilename(basename: string): ProjectRef | undefined {
  return projectsFromFilename(basename)[0];
}

/**
 * The projects `spec` (as given to `--project` or `trust add --for`) may name: `conda:NAME` one
 * conda project; `pypi:NAME` one Python project; a plain `NAME` either.
 */
export function projectsFromSpec(spec: string): ProjectRef[] {
  const trimmed = spec.trim();
  const match = /^(pypi|python|conda):(.+)$/i.exec(trimmed);
  const kind = match?.[1]!.toLowerCase();
  const name = match ? match[2]! : trimmed;
  if (kind === 'conda') return [{ ecosystem: 'conda', name: normalizeCondaName(name) }];
  if (kind) return [{ ecosystem: 'python', name: normalizePythonName(name) }];
  return [
    { ecosystem: 'python', name: normalizePythonName(name) },
    { ecosystem: 'conda', name: normalizeCondaName(name) },
  ];
}

/**
 * A project as the user names it in `trust add --for` or a policy file: `NAME` (a Python or conda
 * project), or `pypi:NAME` / `conda:NAME` to name one ecosystem. Returned in the canonical
 * stored form: `NAME` normalized by PEP 503, or `conda:NAME` normalized by conda's rules.
 */
export function canonicalProjectSpec(spec: string): string {
  const trimmed = spec.trim();
  const match = /^(pypi|python|conda):(.+)$/i.exec(trimmed);
  if (match && match[1]!.toLowerCase() === 'conda') return `conda:${normalizeCondaName(match[2]!)}`;
  return normalizePythonName(match ? match[2]! : trimmed);
}

/** True when `spec` (canonical) names the project `ref`. */
export function specMatches(spec: string, ref: ProjectRef): boolean {
  if (spec.startsWith('conda:')) return ref.ecosystem === 'conda' && spec.slice(6) === ref.name;
  return normalizePythonName(ref.name) === spec;
}

/** A valid project spec: letters, digits and `._-`, starting and ending alphanumeric (PEP 508 names). */
export function isValidProjectSpec(spec: string): boolean {
  const name = spec.replace(/^(pypi|python|conda):/i, '');
  return /^([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])$/.test(name);
}
