/**
 * Signatures that ride along with an upload are checked before anything is sent: each dist's
 * `.asc` must be a good signature over the dist's exact bytes by one of the uploader's own keys or
 * a key of their trusted keyring (a co-maintainer's, or one gpg made), as twine would attach it; a
 * stale `.asc` from an older build, or one by an unknown key, is refused, not published. Uses the
 * fail-closed verifier.
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
  /** Keys of the uploader's trusted keyring: their good signatures are sent too. */
  trustedKeys?: openpgp.PublicKey[];
  logger?: Logger;
}

/**
 * Throws VerificationError (exit 3) naming the first dist whose .asc is not a good signature by an
 * own or trusted key.
 */
export async function checkUploadSignatures(options: CheckSignaturesOptions): Promise<void> {
  const keys = [...options.ownKeys, ...(options.trustedKeys ?? [])];
  for (const [dist, asc] of options.signatures) {
    const report = await verifyFile({ file: dist, signatureFile: asc, keys, logger: options.logger });
    if (report.verified) {
      const by = report.signatures.find((s) => s.verdict === 'good')?.primaryFingerprint ?? '';
      const ownKey = options.ownKeys.some((k) => k.getFingerprint().toUpperCase() === by.toUpperCase());
      options.logger?.debug(
        `${path.basename(asc)} is a good signature of ${path.basename(dist)} by ${ownKey ? 'your' : 'a trusted'} key ${by}.`,
      );
      continue;
    }
    const byOwnKey = report.signatures.some((s) =>
      keys.some((k) => k.getFingerprint().toUpperCase() === s.primaryFingerprint?.toUpperCase()),
    );
    const why = report.problems.map((p) => p.message).join('; ');
    const stale = byOwnKey || report.signatures.some((s) => s.verdict === 'bad');
    throw new VerificationError(
      'E_STALE_SIGNATURE',
      stale
        ? `${asc} does not match ${path.basename(dist)}: it is probably a stale signature from an earlier build (${why}).`
        : `${asc} is not a good signature of ${path.basename(dist)} by your own key or a trusted key (${why}).`,
      {
        subject: asc,
        hint: `Re-sign the current file (\`distseal sign --force ${path.basename(dist)}\`, or add --sign to the upload after deleting the old .asc), trust its signer (\`distseal trust add KEY.asc\`), or remove ${path.basename(asc)} to upload without it.`,
      },
    );
  }
}
