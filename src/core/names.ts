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

/**
 * The project a dist file belongs to, from its file name alone:
 * wheels `{name}-{ver}(-{build})?-{py}-{abi}-{plat}.whl`, sdists `{name}-{ver}.tar.gz|.zip`,
 * conda `{name}-{ver}-{build}.conda|.tar.bz2` (split on the last two hyphens).
 * Returns undefined for other files (a SHA256SUMS, a plain tarball without a version).
 */
export function projectFromFilename(basename: string): ProjectRef | undefined {
  const conda = /^(.+)-([^-]+)-([^-]+)\.(conda|tar\.bz2)$/.exec(basename);
  if (conda) return { ecosystem: 'conda', name: normalizeCondaName(conda[1]!) };
  const wheel = /^([^-]+)-[^-]+(-[^-]+)?-[^-]+-[^-]+-[^-]+\.whl$/.exec(basename);
  if (wheel) return { ecosystem: 'python', name: normalizePythonName(wheel[1]!) };
  const sdist = /^(.+)-([0-9][^-]*)\.(tar\.gz|zip)$/.exec(basename);
  if (sdist) return { ecosystem: 'python', name: normalizePythonName(sdist[1]!) };
  return undefined;
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
