/**
 * Signatures that ride along with an upload are checked before anything is sent: each dist's
 * `.asc` must be a good signature over the dist's exact bytes by one of the uploader's own keys
 * (a stale `.asc` from an older build is refused, not published). Uses the fail-closed verifier.
 */
import path from 'node:path';
import type * as openpgp from 'openpgp';
import { VerificationError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { verifyFile } from '../../verify/verify-file.js';

export interface CheckSignaturesOptions {
  /** dist -> .asc */
  signatures: Map<string, string>;
  /** The uploader's own public keys. */
  ownKeys: openpgp.PublicKey[];
  logger?: Logger;
}

/** Throws VerificationError (exit 3) naming the first dist whose .asc is not a good signature by an own key. */
export async function checkUploadSignatures(options: CheckSignaturesOptions): Promise<void> {
  for (const [dist, asc] of options.signatures) {
    const report = await verifyFile({
      file: dist,
      signatureFile: asc,
      keys: options.ownKeys,
      logger: options.logger,
    });
    if (report.verified) {
      options.logger?.debug(
        `${path.basename(asc)} is a good signature of ${path.basename(dist)} by your key.`,
      );
      continue;
    }
    const byOwnKey = report.signatures.some((s) =>
      options.ownKeys.some((k) => k.getFingerprint().toUpperCase() === s.primaryFingerprint?.toUpperCase()),
    );
    const why = report.problems.map((p) => p.message).join('; ');
    const stale = byOwnKey || report.signatures.some((s) => s.verdict === 'bad');
    throw new VerificationError(
      'E_STALE_SIGNATURE',
      stale
        ? `${asc} does not match ${path.basename(dist)}: it is probably a stale signature from an earlier build (${why}).`
        : `${asc} is not a good signature of ${path.basename(dist)} by your own key (${why}).`,
      {
        subject: asc,
        hint: `Re-sign the current file (\`distseal sign --force ${path.basename(dist)}\`, or add --sign to the upload after deleting the old .asc), or remove ${path.basename(asc)} to upload without it.`,
      },
    );
  }
}
