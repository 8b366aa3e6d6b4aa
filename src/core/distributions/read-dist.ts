/**
 * `readDist(path)`: the one entry that reads any dist distseal handles, by its extension.
 * Python wheels and sdists by src/core/distributions/python, conda packages by src/core/distributions/conda.
 */
import path from 'node:path';
import { InputError } from '../errors.js';
import { readCondaMeta, type CondaPackageMeta } from './conda/read.js';
import type { PythonDist, ReadPythonOptions } from './python/python-dist.js';
import { readPythonDist } from './python/read.js';

export type { PythonDist } from './python/python-dist.js';
export type { CondaPackageMeta } from './conda/read.js';

/** A dist of any ecosystem, tagged. */
export type Dist = ({ ecosystem: 'python' } & PythonDist) | ({ ecosystem: 'conda' } & CondaPackageMeta);

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
  if (ecosystem === 'conda') return { ecosystem, ...(await readCondaMeta(file, options.limits)) };
  throw new InputError(
    'E_NOT_A_DIST',
    `${file} is not a dist distseal can read (expected .whl, .tar.gz, .zip, .conda or .tar.bz2).`,
    {
      subject: file,
      hint: 'Name the wheel, sdist or conda package itself.',
    },
  );
}
