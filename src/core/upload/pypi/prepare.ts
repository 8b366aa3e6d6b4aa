/**
 * Before anything is sent: read each dist, refuse invalid metadata, hash it once, and read its
 * `.asc` (armored, at most 8 KiB) and attestation files. A bad input stops the whole upload here.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { distDigests, type DistDigests } from '../../distributions/digests.js';
import type { PythonDist } from '../../distributions/python/python-dist.js';
import { readPythonDist } from '../../distributions/python/read.js';
import { validateMetadata } from '../../distributions/python/validate.js';
import { InputError } from '../../errors.js';
import { wrapFsError } from '../../io/atomic.js';
import type { Logger } from '../../logger.js';

/** Armored signatures larger than this were refused by PyPI and still are by sane indexes. */
export const MAX_SIGNATURE_BYTES = 8 * 1024;

/** One dist, read, checked and hashed, with what rides along with it. */
export interface Prepared {
  file: string;
  dist: PythonDist;
  digests: DistDigests;
  signature?: Buffer;
  attestations: unknown[];
}

export interface PrepareOptions {
  /** dist -> .asc */
  signatures?: Map<string, string>;
  /** dist -> attestation files */
  attestations?: Map<string, string[]>;
  logger?: Logger;
}

export async function prepareDist(file: string, options: PrepareOptions): Promise<Prepared> {
  const dist = await readPythonDist(file);
  const errors = validateMetadata(dist.metadata, { filename: dist.filename }).filter(
    (f) => f.severity === 'error',
  );
  if (errors.length > 0) {
    throw new InputError(
      'E_METADATA',
      `${file} has invalid metadata (${dist.metadataMember}): ${errors.map((e) => e.message).join(' ')}`,
      {
        subject: file,
        hint: `Run \`distseal check ${path.basename(file)}\` for the details, fix the project metadata and rebuild.`,
      },
    );
  }
  const digests = await distDigests(file, {
    logger: options.logger,
    label: `hashing ${path.basename(file)}`,
  });
  let signature: Buffer | undefined;
  const asc = options.signatures?.get(file);
  if (asc) {
    try {
      signature = await readFile(asc);
    } catch (error) {
      throw wrapFsError(error, asc, 'read');
    }
    if (
      signature.length > MAX_SIGNATURE_BYTES ||
      !signature.toString('latin1').trimStart().startsWith('-----BEGIN PGP SIGNATURE-----')
    ) {
      throw new InputError(
        'E_SIGNATURE_FORMAT',
        `${asc} is not an ASCII-armored detached signature of at most 8 KiB.`,
        {
          subject: asc,
          hint: `Re-create it with \`distseal sign ${path.basename(file)}\` (or gpg --detach-sign -a).`,
        },
      );
    }
  }
  const attestations: unknown[] = [];
  for (const a of options.attestations?.get(file) ?? []) {
    try {
      attestations.push(JSON.parse(await readFile(a, 'utf8')));
    } catch (error) {
      if (error instanceof SyntaxError)
        throw new InputError('E_ATTESTATION', `${a} is not valid JSON: ${error.message}`, { subject: a });
      throw wrapFsError(error, a, 'read');
    }
  }
  return { file, dist, digests, signature, attestations };
}
