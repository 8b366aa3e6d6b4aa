/**
 * `readDist(path)`: the one entry that reads any dist distseal handles, by its extension.
 * Python wheels and sdists are read here; conda packages by src/core/dist/conda.
 */
import path from 'node:path';
import { InputError } from '../errors.js';
import { readPythonDist, type PythonDist, type ReadPythonOptions } from './python/read.js';

export type { PythonDist } from './python/read.js';

/** A dist of any ecosystem, tagged. */
export type Dist = { ecosystem: 'python' } & PythonDist;

/** The ecosystem a dist filename belongs to, or undefined. */
export function distEcosystem(file: string): 'python' | 'conda' | undefined {
  const base = path.basename(file);
  if (/\.(conda|tar\.bz2)$/i.test(base)) return 'conda';
  if (/\.(whl|tar\.gz|zip)$/i.test(base)) return 'python';
  return undefined;
}

/** Read a dist's name, version and metadata without extracting it. */
export async function readDist(file: string, options: ReadPythonOptions = {}): Promise<Dist> {
  const ecosystem = distEcosystem(file);
  if (ecosystem === 'python') return { ecosystem, ...(await readPythonDist(file, options)) };
  throw new InputError('E_NOT_A_DIST', `${file} is not a dist distseal can read here (expected .whl, .tar.gz or .zip).`, {
    subject: file,
    hint: 'Conda packages (.conda, .tar.bz2) are read by `distseal check` and `distseal upload conda`.',
  });
}
