import { InputError } from '../../errors.js';
import { isValidSubdir, type CondaFilename } from './filename.js';

/** The parts of `info/index.json` distseal relies on; other keys are kept as they are. */
export interface CondaIndex {
  name: string;
  version: string;
  build: string;
  build_number: number;
  depends: string[];
  subdir?: string;
  [key: string]: unknown;
}

/** One disagreement or missing field, in words a user can act on. */
export interface IndexProblem {
  rule: string;
  message: string;
}

/**
 * Parse `info/index.json` text. Malformed JSON or a non-object is an InputError naming the file;
 * missing fields are reported by `indexProblems`, not thrown, so `check` can list them all.
 */
export function parseIndexJson(text: string, file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(
      'E_CONDA_INDEX_JSON',
      `${file}: info/index.json is not valid JSON (${(error as Error).message}).`,
      {
        subject: file,
        hint: 'Rebuild the package with conda-build, rattler-build or cph; the metadata is damaged.',
      },
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError('E_CONDA_INDEX_JSON', `${file}: info/index.json is not a JSON object.`, {
      subject: file,
    });
  }
  return value as Record<string, unknown>;
}

/**
 * The subdir as anaconda-client derives it: `subdir`; else `noarch` when `arch` is missing;
 * else `platform-arch` with x86 -> 32 and x86_64 -> 64 (specs/conda.md section 1).
 */
export function deriveSubdir(index: Record<string, unknown>): string | undefined {
  if (typeof index.subdir === 'string' && index.subdir) return index.subdir;
  const arch = index.arch;
  if (arch === undefined || arch === null) return 'noarch';
  const platform = index.platform;
  if (typeof platform !== 'string' || typeof arch !== 'string') return undefined;
  const mapped = arch === 'x86' ? '32' : arch === 'x86_64' ? '64' : arch;
  return `${platform}-${mapped}`;
}

/** Required fields and types of index.json, and agreement with the file name. */
export function indexProblems(index: Record<string, unknown>, filename?: CondaFilename): IndexProblem[] {
  const problems: IndexProblem[] = [];
  for (const key of ['name', 'version', 'build'] as const) {
    if (typeof index[key] !== 'string' || index[key] === '') {
      problems.push({ rule: 'conda-index-field', message: `info/index.json has no "${key}" string.` });
    }
  }
  const bn = index.build_number;
  if (typeof bn !== 'number' || !Number.isInteger(bn) || bn < 0) {
    problems.push({
      rule: 'conda-index-field',
      message: 'info/index.json has no "build_number" (a whole number >= 0).',
    });
  }
  if (
    index.depends !== undefined &&
    (!Array.isArray(index.depends) || index.depends.some((d) => typeof d !== 'string'))
  ) {
    problems.push({
      rule: 'conda-index-field',
      message: 'info/index.json "depends" must be a list of strings.',
    });
  }
  if (index.subdir === undefined) {
    problems.push({
      rule: 'conda-subdir-missing',
      message:
        'info/index.json has no "subdir"; anaconda.org, prefix.dev and file channels need it to place the package.',
    });
  } else if (typeof index.subdir !== 'string' || !isValidSubdir(index.subdir)) {
    problems.push({
      rule: 'conda-subdir-invalid',
      message: `info/index.json "subdir" ${JSON.stringify(index.subdir)} is not noarch or <os>-<arch>.`,
    });
  }
  if (filename) {
    for (const key of ['name', 'version', 'build'] as const) {
      if (typeof index[key] === 'string' && index[key] !== filename[key]) {
        problems.push({
          rule: 'conda-filename-mismatch',
          message: `The file name says ${key} "${filename[key]}" but info/index.json says "${index[key] as string}" (a renamed file: conda cannot open it).`,
        });
      }
    }
  }
  return problems;
}

/** Narrow to CondaIndex, throwing one InputError that lists every problem. */
export function requireValidIndex(
  index: Record<string, unknown>,
  file: string,
  filename?: CondaFilename,
): CondaIndex {
  const problems = indexProblems(index, filename);
  if (problems.length > 0) {
    const renamed = problems.some((p) => p.rule === 'conda-filename-mismatch');
    throw new InputError(
      renamed ? 'E_CONDA_FILENAME' : 'E_CONDA_INDEX',
      `${file}: ${problems.map((p) => p.message).join(' ')}`,
      {
        subject: file,
        hint: renamed
          ? 'Give the file back its original name <name>-<version>-<build> from info/index.json; never rename conda artifacts.'
          : 'Rebuild the package with conda-build or rattler-build so info/index.json is complete.',
      },
    );
  }
  return { depends: [], ...index } as unknown as CondaIndex;
}
