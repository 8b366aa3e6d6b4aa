import * as openpgp from 'openpgp';
import { InputError, UsageError } from '../errors.js';
import { describeOpenpgpError } from './parse.js';

/** Reasons `keys revoke --reason` accepts, mapped to OpenPGP reason codes. */
export const REVOCATION_REASONS = {
  compromised: openpgp.enums.reasonForRevocation.keyCompromised,
  superseded: openpgp.enums.reasonForRevocation.keySuperseded,
  retired: openpgp.enums.reasonForRevocation.keyRetired,
  unspecified: openpgp.enums.reasonForRevocation.noReason,
} as const;
export type RevocationReason = keyof typeof REVOCATION_REASONS;

/**
 * Revoke a key with its (decrypted) secret, then put the revocation onto `stored` (the
 * encrypted key as kept on disk) so the stored secret stays passphrase-protected.
 * "compromised" (and unspecified) are hard revocations: verifiers reject even older
 * signatures; "superseded"/"retired" only stop later ones (spec section 1).
 */
export async function revokeWithSecret(
  stored: openpgp.PrivateKey,
  decrypted: openpgp.PrivateKey,
  reason: RevocationReason,
  message = '',
): Promise<openpgp.PrivateKey> {
  const flag = REVOCATION_REASONS[reason];
  if (flag === undefined)
    throw new UsageError(`--reason ${reason} is not a revocation reason.`, {
      hint: `Use one of: ${Object.keys(REVOCATION_REASONS).join(', ')}.`,
    });
  const { privateKey } = await openpgp.revokeKey({
    key: decrypted,
    reasonForRevocation: { flag, string: message },
    format: 'object',
  });
  const certificate = await privateKey.getRevocationCertificate();
  return applyRevocationCertificate(
    stored,
    String(certificate),
    'the new revocation',
  ) as Promise<openpgp.PrivateKey>;
}

/** Apply an armored revocation certificate (e.g. the one written at generation) to a key. */
export async function applyRevocationCertificate<K extends openpgp.Key>(
  key: K,
  certificate: string,
  source: string,
): Promise<K> {
  try {
    const result = await openpgp.revokeKey({
      key: key as never,
      revocationCertificate: certificate,
      format: 'object',
    });
    return ((key.isPrivate() ? result.privateKey : result.publicKey) ?? result.publicKey) as unknown as K;
  } catch (error) {
    throw new InputError(
      'E_REVOCATION',
      `${source} is not a valid revocation certificate for key ${key.getFingerprint().toUpperCase()}: ${describeOpenpgpError(error)}.`,
      {
        subject: source,
        cause: error,
      },
    );
  }
}
