/**
 * Step 3 of a release: sign every file (one unlocked key; files already signed by it keep their
 * signature) and, when wanted, a SHA256SUMS of them with its signature. A SHA256SUMS that
 * already lists exactly these files and is signed by this key is kept as it is, so a rerun
 * publishes byte-identical assets and the targets skip them.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type * as openpgp from 'openpgp';
import { formatManifest, signFiles, writeManifest, type SignResult } from '../sign/index.js';
import { manifestName } from '../sign/manifest.js';
import type { Logger } from '../logger.js';
import { verifyFile } from '../verify/verify-file.js';
import type { ReleasePlan } from './plan.js';

export const MANIFEST_NAME = 'SHA256SUMS';

export interface SignStepOptions {
  plan: ReleasePlan;
  signingKey: openpgp.PrivateKey;
  /** Write (or keep) DIR/SHA256SUMS and its .asc. */
  manifest: boolean;
  logger?: Logger;
}

export interface SignStepResult {
  signatures: SignResult[];
  manifest?: { file: string; signatureFile: string; status: 'written' | 'kept' };
}

export async function signRelease(options: SignStepOptions): Promise<SignStepResult> {
  const signatures = await signFiles({
    files: options.plan.files.map((f) => f.file),
    signingKey: options.signingKey,
    logger: options.logger,
  });
  if (!options.manifest) return { signatures };
  const dir = options.plan.dir;
  if (!dir) {
    options.logger?.warn(
      'The files are in several directories, so no SHA256SUMS was written (it lists one directory).',
    );
    return { signatures };
  }
  const file = path.join(dir, MANIFEST_NAME);
  const signatureFile = `${file}.asc`;
  const entries = options.plan.files.map((f) => ({ name: manifestName(dir, f.file), sha256: f.sha256 }));
  const wanted = formatManifest(entries);
  const current = await readFile(file, 'utf8').catch(() => undefined);
  if (current === wanted) {
    const check = await verifyFile({ file, signatureFile, keys: [options.signingKey.toPublic()] }).catch(
      () => undefined,
    );
    if (check?.verified) return { signatures, manifest: { file, signatureFile, status: 'kept' } };
  }
  const result = await writeManifest({
    manifest: file,
    files: options.plan.files.map((f) => f.file),
    signingKey: options.signingKey,
    force: true,
    logger: options.logger,
  });
  return { signatures, manifest: { file, signatureFile: result.signature.signatureFile, status: 'written' } };
}
