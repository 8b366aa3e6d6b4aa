/**
 * Reason codes for signature verdicts, and the mapping from openpgp.js's error messages
 * (observed on 6.3.2, spec section 1) to them. Each reason has its own hint: what the user can do.
 */
export interface Reason {
  code: string;
  message: string;
  hint?: string;
}

export const GOOD = 'OK';

export const REASON_HINTS: Record<string, string> = {
  E_BAD_SIGNATURE:
    'The file is not the one that was signed (changed, truncated or the wrong file). Download the file and its .asc again; if it still fails, tell the maintainer.',
  E_UNKNOWN_KEY:
    'If you trust this signer, get their public key from a source you trust and run `distseal trust add KEYFILE` (or pass it with --keyring).',
  E_WEAK_HASH:
    'SHA-1 and weaker digests can be forged. Ask the maintainer to sign again with SHA-256 or SHA-512.',
  E_WEAK_KEY: 'RSA keys under 2048 bits can be broken. Ask the maintainer to sign with a stronger key.',
  E_WEAK_ALGORITHM:
    'DSA and ElGamal keys are rejected by default. Ask the maintainer to sign with an Ed25519 or RSA (2048+) key.',
  E_KEY_EXPIRED:
    'Refresh the key: the copy you trust may be outdated (maintainers extend expiry dates). If it really was expired, ask the maintainer to sign again.',
  E_KEY_REVOKED:
    'The key was revoked by its owner. Do not trust this file; ask the maintainer which key signs releases now.',
  E_KEY_NOT_YET_VALID:
    'The signature claims a time before the key existed. Treat the file as suspicious and ask the maintainer.',
  E_FUTURE_SIGNATURE:
    "The signature is dated in the future. Check this machine's clock; if it is right, treat the file as suspicious.",
  E_SIGNATURE_EXPIRED: 'The signature itself has expired. Ask the maintainer for a fresh signature.',
  E_UNKNOWN_CRITICAL:
    'The signature carries a critical part distseal does not understand, so it cannot be accepted. Ask the maintainer how it was made.',
  E_WRONG_SIGNATURE_TYPE:
    'This is not a signature over a document (it may be a key certification). Get the detached signature made for this file.',
  E_UNSUPPORTED_SIGNATURE:
    'The signature uses a packet version or algorithm distseal cannot check. Ask the maintainer for a v4 signature (gpg --detach-sign -a).',
  E_SIGNER_NOT_ALLOWED: 'The signer is trusted but not one of the fingerprints you pinned with --signer.',
  E_NOT_PINNED:
    'The trust policy names other keys for this project. If the project really changed keys, update the policy (`distseal trust add KEYFILE --for PROJECT`).',
  E_KEY_INVALID:
    'The key could not be used to check signatures (no valid binding or usage). Refresh the key from the maintainer.',
};

/** A Reason with its standard hint. */
export function reason(code: string, message: string, hint = REASON_HINTS[code]): Reason {
  return hint === undefined ? { code, message } : { code, message, hint };
}

/**
 * Classify an openpgp.js verification error. Checks made before calling openpgp.js (weak
 * hash, key size, dates) come first in examine.ts; this catches the rest and anything they miss.
 */
export function classifyOpenpgpError(error: unknown): Reason {
  const text = error instanceof Error ? error.message : String(error);
  const rules: Array<[RegExp, string, string]> = [
    [
      /Signed digest did not match|digest did not match|signature did not verify|Invalid signature/i,
      'E_BAD_SIGNATURE',
      'the signature does not match the file',
    ],
    [/Could not find signing key/i, 'E_UNKNOWN_KEY', 'the signing key is not in the keyring'],
    [
      /Insecure message hash|Hash algorithm too weak|hash algorithm/i,
      'E_WEAK_HASH',
      'the digest algorithm is too weak',
    ],
    [/RSA keys shorter than/i, 'E_WEAK_KEY', 'the RSA key is too short'],
    [
      /keys are considered too weak|curve.*(too weak|rejected)/i,
      'E_WEAK_ALGORITHM',
      'the key algorithm is rejected',
    ],
    [/Key is newer than the signature/i, 'E_KEY_NOT_YET_VALID', 'the key was created after the signature'],
    [
      /Signature creation time is in the future/i,
      'E_FUTURE_SIGNATURE',
      'the signature (or a self-signature it relies on) is dated in the future',
    ],
    [/Signature is expired/i, 'E_SIGNATURE_EXPIRED', 'the signature has expired'],
    [/revoked/i, 'E_KEY_REVOKED', 'the key was revoked'],
    [/expired/i, 'E_KEY_EXPIRED', 'the key was expired when it signed'],
    [/Unknown critical/i, 'E_UNKNOWN_CRITICAL', 'an unknown critical subpacket or notation'],
  ];
  for (const [re, code, summary] of rules) if (re.test(text)) return reason(code, `${summary} (${text})`);
  return reason('E_KEY_INVALID', `the signature could not be checked: ${text}`);
}

/** Problems as one clause for a sentence ("a; b"), without a final stop: callers add their own. */
export function problemsText(
  problems: Array<{ message: string }>,
  none = 'no good signature from a trusted key',
): string {
  const parts = problems.map((p) => p.message.trim().replace(/[.;]+$/, '')).filter(Boolean);
  return parts.length > 0 ? parts.join('; ') : none;
}
