import { promises as fs } from 'node:fs';
import path from 'node:path';
import { condaDigests, type CondaDigests } from '../../distributions/conda/digests.js';
import { condaFormatOf, filenameProblems } from '../../distributions/conda/filename.js';
import { requireValidIndex, type CondaIndex } from '../../distributions/conda/index-json.js';
import { readCondaMeta } from '../../distributions/conda/read.js';
import { errnoCode, InputError, UsageError } from '../../errors.js';
import type { Logger } from '../../logger.js';

/** One file to upload, read and hashed once before any network call. */
export interface CondaArtifact {
  file: string;
  /** The plain file name. */
  filename: string;
  kind: 'conda' | 'signature';
  /** The package it goes into on the server: the conda name, or `<name>-signatures` for `.asc` files. */
  packageName: string;
  version: string;
  /** The conda package's subdir (also for its signature, for messages). */
  subdir: string;
  /** The name on anaconda.org: `<subdir>/<fn>` for packages, the plain name for signatures. */
  remoteBasename: string;
  index: CondaIndex;
  about: Record<string, unknown>;
  digests: CondaDigests;
}

/** The sibling package that holds a package's `.asc` files (anaconda.org refuses mixed types). */
export function signaturePackageName(name: string): string {
  return `${name}-signatures`;
}

/**
 * Read every package (info/ only, bounded), check the file name against index.json and require a
 * subdir, hash it in one pass, and pair it with `FILE.asc` when one sits beside it or was named on
 * the command line. Any bad input fails here, before the first request.
 */
export async function prepareArtifacts(files: string[], logger: Logger): Promise<CondaArtifact[]> {
  const signatures = new Set(files.filter((f) => f.endsWith('.asc')).map((f) => path.resolve(f)));
  const packages = [...new Set(files.filter((f) => !f.endsWith('.asc')).map((f) => path.resolve(f)))].sort();
  for (const sig of signatures) {
    if (!packages.includes(sig.slice(0, -4))) {
      throw new UsageError(
        `${sig} is a signature, but its package ${path.basename(sig.slice(0, -4))} is not being uploaded.`,
        { subject: sig, hint: 'Name the package too; its .asc beside it is uploaded with it.' },
      );
    }
  }
  const out: CondaArtifact[] = [];
  for (const file of packages) {
    const filename = path.basename(file);
    if (!condaFormatOf(filename))
      throw new UsageError(`${file} is not a conda package (.conda or .tar.bz2).`, {
        subject: file,
        hint: 'Use `distseal upload pypi` for wheels and sdists.',
      });
    const problems = filenameProblems(filename);
    if (problems.length)
      throw new InputError('E_CONDA_NAME', `${file}: ${problems.join(' ')}`, { subject: file });
    const meta = await readCondaMeta(file);
    const index = requireValidIndex(meta.index, file, meta.filename);
    if (meta.renamedFrom) {
      throw new InputError(
        'E_CONDA_FILENAME',
        `${file} was renamed from ${meta.renamedFrom}.conda; conda cannot open a renamed .conda.`,
        { subject: file, hint: `Upload it under its original name ${meta.renamedFrom}.conda.` },
      );
    }
    const digests = await condaDigests(file, { logger, label: `hashing ${filename}` });
    const subdir = index.subdir!;
    out.push({
      file,
      filename,
      kind: 'conda',
      packageName: index.name,
      version: index.version,
      subdir,
      remoteBasename: `${subdir}/${filename}`,
      index,
      about: meta.about,
      digests,
    });
    const sig = `${file}.asc`;
    if (signatures.has(sig) || (await exists(sig))) {
      out.push({
        file: sig,
        filename: `${filename}.asc`,
        kind: 'signature',
        packageName: signaturePackageName(index.name),
        version: index.version,
        subdir,
        remoteBasename: `${filename}.asc`,
        index,
        about: {},
        digests: await condaDigests(sig),
      });
    }
  }
  return out;
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw error;
  }
}
