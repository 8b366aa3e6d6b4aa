/**
 * Conda artifact file names (CEP 26): `<name>-<version>-<build>.<ext>`, ext `conda` or `tar.bz2`.
 * Version and build never contain `-`, so the name is everything before the last two hyphens.
 * See /work/shared/specs/conda.md section 1.
 */

export type CondaFormat = 'conda' | 'tar.bz2';

export interface CondaFilename {
  /** The basename as given. */
  filename: string;
  name: string;
  version: string;
  build: string;
  format: CondaFormat;
  /** `name-version-build`, the stem cps uses to find the inner `info-<stem>.tar.zst`. */
  stem: string;
}

export const MAX_NAME_LENGTH = 64;
export const MAX_VERSION_LENGTH = 64;
export const MAX_BUILD_LENGTH = 64;
export const MAX_FILENAME_LENGTH = 211;
export const MAX_SUBDIR_LENGTH = 32;
export const MAX_LABEL_LENGTH = 128;

const NAME_RE = /^(?:[a-z0-9]|_(?![._-]))(?:[a-z0-9]|[._-](?![._-]))*$/;
const VERSION_RE = /^[0-9a-z._+!]+$/;
const BUILD_RE = /^[a-zA-Z0-9_.+]+$/;
const SUBDIR_RE = /^(?:noarch|[a-z0-9]+-[a-z0-9]+)$/;
const LABEL_RE = /^[a-zA-Z][0-9a-zA-Z_\-./]*$/;

/** The format of a conda artifact by its extension, or undefined for other files. */
export function condaFormatOf(filename: string): CondaFormat | undefined {
  if (filename.endsWith('.conda')) return 'conda';
  if (filename.endsWith('.tar.bz2')) return 'tar.bz2';
  return undefined;
}

/**
 * Split a conda filename on its last two hyphens. Returns undefined when it is not
 * `<a>-<b>-<c>.conda|.tar.bz2` at all; use `filenameProblems` for the grammar rules.
 */
export function parseCondaFilename(filename: string): CondaFilename | undefined {
  const format = condaFormatOf(filename);
  if (!format) return undefined;
  const stem = filename.slice(0, filename.length - (format === 'conda' ? 6 : 8));
  const last = stem.lastIndexOf('-');
  if (last <= 0) return undefined;
  const middle = stem.lastIndexOf('-', last - 1);
  if (middle <= 0) return undefined;
  const name = stem.slice(0, middle);
  const version = stem.slice(middle + 1, last);
  const build = stem.slice(last + 1);
  if (!version || !build) return undefined;
  return { filename, name, version, build, format, stem };
}

/** Every CEP 26 rule the parts of a conda filename break (empty when it is well formed). */
export function filenameProblems(filename: string): string[] {
  const parsed = parseCondaFilename(filename);
  if (!parsed)
    return [`"${filename}" is not a conda artifact name (<name>-<version>-<build>.conda or .tar.bz2).`];
  const problems: string[] = [];
  if (filename.length > MAX_FILENAME_LENGTH)
    problems.push(`the file name is ${filename.length} characters long (at most ${MAX_FILENAME_LENGTH}).`);
  problems.push(...nameProblems(parsed.name));
  if (parsed.version.length > MAX_VERSION_LENGTH)
    problems.push(`the version is longer than ${MAX_VERSION_LENGTH} characters.`);
  if (!VERSION_RE.test(parsed.version))
    problems.push(`the version "${parsed.version}" may only hold digits, lowercase letters and . _ + !.`);
  if (parsed.build.length > MAX_BUILD_LENGTH)
    problems.push(`the build string is longer than ${MAX_BUILD_LENGTH} characters.`);
  if (!BUILD_RE.test(parsed.build))
    problems.push(`the build string "${parsed.build}" may only hold letters, digits and _ . +.`);
  return problems;
}

/** CEP 26 name rules: lowercase ASCII, digits, `._-`, no two separators in a row, at most 64. */
export function nameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length > MAX_NAME_LENGTH) problems.push(`the name is longer than ${MAX_NAME_LENGTH} characters.`);
  if (!NAME_RE.test(name)) {
    problems.push(
      `the name "${name}" must be lowercase ASCII letters, digits, . _ -, start with a letter, digit or one _, and never have two separators in a row.`,
    );
  }
  return problems;
}

/** True for `noarch` or `<os>-<arch>` (lowercase alphanumerics), at most 32 characters. */
export function isValidSubdir(subdir: string): boolean {
  return subdir.length <= MAX_SUBDIR_LENGTH && SUBDIR_RE.test(subdir);
}

/** True for an anaconda.org label (`main`, `dev`, `rc/1.0`...). */
export function isValidLabel(label: string): boolean {
  return label.length <= MAX_LABEL_LENGTH && LABEL_RE.test(label);
}
