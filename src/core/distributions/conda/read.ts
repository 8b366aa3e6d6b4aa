import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { ArchiveLimits } from '../../archive/limits.js';
import { decompress } from '../../archive/decompress.js';
import { walkTar, type TarBody, type TarEntry } from '../../archive/tar.js';
import { openZip, type ZipArchive } from '../../archive/zip.js';
import { InputError } from '../../errors.js';
import { wrapFsError } from '../../io/atomic.js';
import { condaFormatOf, parseCondaFilename, type CondaFilename, type CondaFormat } from './filename.js';
import { parseIndexJson } from './index-json.js';

/** What the info/ part of a conda package says, read without touching the payload. */
export interface CondaPackageMeta {
  file: string;
  format: CondaFormat;
  /** The basename split by CEP 26, or undefined when the name does not parse. */
  filename?: CondaFilename;
  /** info/index.json as an object (validate with indexProblems / requireValidIndex). */
  index: Record<string, unknown>;
  /** info/about.json, or {} when the package has none (it is optional). */
  about: Record<string, unknown>;
  /** For .conda: the inner info tarball's name, when it does not match the file name (a renamed file). */
  renamedFrom?: string;
}

/** index.json and about.json are small; a megabyte is far more than any real one. */
const MAX_JSON_BYTES = 1 << 20;

/** A tar member visitor: return false to stop the walk. */
export type Visit = (entry: TarEntry, body: TarBody) => Promise<boolean | void>;

/**
 * Read info/index.json and info/about.json of a `.conda` or `.tar.bz2` by streaming, bounded by
 * `limits`. For `.conda` only the `info-*.tar.zst` member is decompressed; for `.tar.bz2` the
 * stream stops as soon as both files were seen (cph writes info/ first).
 */
export async function readCondaMeta(
  file: string,
  limits?: Partial<ArchiveLimits>,
): Promise<CondaPackageMeta> {
  const basename = path.basename(file);
  const format = condaFormatOf(basename);
  if (!format)
    throw new InputError('E_CONDA_NAME', `${file} is not a conda package (.conda or .tar.bz2).`, {
      subject: file,
    });
  const filename = parseCondaFilename(basename);
  let index: Record<string, unknown> | undefined;
  let about: Record<string, unknown> | undefined;
  const visit: Visit = async (entry, body) => {
    // cph and conda-build write info/ first: once index.json is in hand and the payload starts,
    // stop rather than decompress the payload looking for an optional about.json.
    if (index && !entry.name.startsWith('info/')) return false;
    if (entry.name === 'info/index.json')
      index = parseIndexJson((await body.read(MAX_JSON_BYTES)).toString('utf8'), file);
    else if (entry.name === 'info/about.json')
      about = parseAbout((await body.read(MAX_JSON_BYTES)).toString('utf8'));
    else body.skip();
    return !(index && about);
  };
  let renamedFrom: string | undefined;
  if (format === 'conda') {
    renamedFrom = await walkCondaComponents(file, 'info', visit, limits);
  } else {
    await walkTarBz2(file, visit, limits);
  }
  if (!index) {
    throw new InputError('E_CONDA_NO_INDEX', `${file} has no info/index.json.`, {
      subject: file,
      hint: 'This is not a conda package, or it was built wrongly. Rebuild it with conda-build, rattler-build or cph.',
    });
  }
  return { file, format, filename, index, about: about ?? {}, renamedFrom };
}

function parseAbout(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {}; // about.json is optional metadata; a damaged one must not block reading index.json
  }
}

/**
 * Walk one inner tarball of a `.conda` (`info` or `pkg`). Returns the component's stem when it
 * does not match the file's own name (cps looks the component up by the file's basename, so a
 * renamed `.conda` cannot be installed: specs/conda.md section 1 "Gotcha").
 */
export async function walkCondaComponents(
  file: string,
  which: 'info' | 'pkg',
  visit: Visit,
  limits?: Partial<ArchiveLimits>,
): Promise<string | undefined> {
  await statOrThrow(file);
  let zip: ZipArchive;
  try {
    zip = await openZip(file, limits);
  } catch (error) {
    throw notAZip(file, error);
  }
  try {
    const stem = path.basename(file).replace(/\.conda$/, '');
    const wanted = `${which}-${stem}.tar.zst`;
    const components = zip.entries.filter(
      (e) => e.name.startsWith(`${which}-`) && e.name.endsWith('.tar.zst') && !e.name.includes('/'),
    );
    const entry = components.find((e) => e.name === wanted) ?? components[0];
    if (!entry) {
      throw new InputError(
        'E_CONDA_NO_COMPONENT',
        `${file} has no ${which}-*.tar.zst member, so it is not a valid .conda package.`,
        {
          subject: file,
          hint: `It holds: ${
            zip.entries
              .map((e) => e.name)
              .slice(0, 5)
              .join(', ') || 'nothing'
          }. Rebuild it with conda-build, rattler-build or cph.`,
        },
      );
    }
    const what = `${file} (${entry.name})`;
    const input = await zip.openEntry(entry.name);
    try {
      await walkTar(decompress(input, 'zstd', what, limits), what, visit, limits);
    } finally {
      input.destroy();
    }
    return entry.name === wanted ? undefined : entry.name.slice(which.length + 1, -'.tar.zst'.length);
  } finally {
    await zip.close();
  }
}

/** Walk the members of a `.tar.bz2` through the bounded bunzip2 transform. */
export async function walkTarBz2(file: string, visit: Visit, limits?: Partial<ArchiveLimits>): Promise<void> {
  await statOrThrow(file);
  const input = createReadStream(file);
  try {
    await walkTar(decompress(input, 'bzip2', file, limits), file, visit, limits);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(
      'E_ARCHIVE_CORRUPT',
      `${file} is not a readable .tar.bz2 (${(error as Error).message}).`,
      {
        subject: file,
        cause: error,
        hint: 'The file may be truncated or damaged; download or build it again.',
      },
    );
  } finally {
    input.destroy();
  }
}

async function statOrThrow(file: string): Promise<void> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new InputError('E_NOT_A_FILE', `${file} is not a file.`, { subject: file });
  } catch (error) {
    if (error instanceof InputError) throw error;
    const wrapped = wrapFsError(error, file, 'read');
    if ((error as { code?: string }).code === 'ENOENT')
      throw new InputError('E_NOT_FOUND', `${file} does not exist.`, { subject: file });
    throw wrapped;
  }
}

function notAZip(file: string, error: unknown): Error {
  if (error instanceof InputError && error.code !== 'E_ARCHIVE_CORRUPT') return error;
  return new InputError(
    'E_CONDA_NOT_ZIP',
    `${file} is not a .conda package: it is not a readable zip archive.`,
    {
      subject: file,
      cause: error,
      hint: 'A .conda file is a zip holding metadata.json, pkg-*.tar.zst and info-*.tar.zst. Download or build it again.',
    },
  );
}
