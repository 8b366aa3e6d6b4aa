/**
 * Read a wheel or sdist without extracting it: find and parse its core metadata the way
 * Warehouse and twine do (specs/pypi-upload.md §6), and optionally visit every member's first
 * bytes (the leak scan). Streamed and bounded by the archive layer's limits.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../../errors.js';
import { wrapFsError } from '../../io/atomic.js';
import { parsePythonFilename, type PythonFilename } from './filename.js';
import { readZipDist } from './metadata-member.js';
import type { PythonDist, ReadPythonOptions } from './python-dist.js';
import { readTarSdist, readZipSdist } from './sdist.js';

/** Metadata files larger than this are refused (src/core/limits.ts). */
export { MAX_METADATA_BYTES } from '../../limits.js';

/** Read a `.whl`, `.tar.gz` or `.zip` Python dist. Throws InputError naming the file when it cannot. */
export async function readPythonDist(file: string, options: ReadPythonOptions = {}): Promise<PythonDist> {
  const base = path.basename(file);
  const parsed = parsePythonFilename(base);
  if (!parsed) {
    throw new InputError(
      'E_NOT_A_DIST',
      `${file} is not a Python dist: the name must look like NAME-VERSION-PY-ABI-PLATFORM.whl or NAME-VERSION.tar.gz.`,
      {
        subject: file,
        hint: 'Pass the wheels and sdists your build wrote (usually dist/*).',
      },
    );
  }
  try {
    await stat(file);
  } catch (error) {
    throw wrapFsError(error, file, 'read');
  }
  if (parsed.kind === 'wheel') return readWheel(file, parsed, options);
  return parsed.extension === '.zip'
    ? readZipSdist(file, parsed, options)
    : readTarSdist(file, parsed, options);
}

function readWheel(file: string, parsed: PythonFilename, options: ReadPythonOptions): Promise<PythonDist> {
  return readZipDist(file, 'wheel', parsed, options, (names) => {
    // Warehouse reads exactly <name>-<version>.dist-info/METADATA from the filename's first two
    // pieces; fall back to the shallowest *.dist-info/METADATA (twine picks the shallowest too).
    const expected = `${parsed.name}-${parsed.version}.dist-info/METADATA`;
    const candidates = names.filter(
      (n) => /^[^/]+\.dist-info\/METADATA$/.test(n) || /\.dist-info\/METADATA$/.test(n),
    );
    candidates.sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
    const member = names.includes(expected) ? expected : candidates[0];
    if (!member) {
      throw new InputError('E_NO_METADATA', `${file} has no METADATA: expected ${expected}.`, {
        subject: file,
        hint: 'This is not a complete wheel. Rebuild it with your build backend (python -m build).',
      });
    }
    return { member, licenseBase: `${member.slice(0, -'METADATA'.length)}licenses/` };
  });
}
