/**
 * Which signatures an upload to a Python index makes and sends: the one place that knows which
 * indexes still take `.asc` files. PyPI and TestPyPI stopped storing PGP signatures in May 2023
 * (they accept the `gpg_signature` part and drop it); pypiserver, devpi, Nexus and Artifactory keep
 * `FILE.asc` beside the file, so there a signature is sent and must be checked first.
 */

/** `upload pypi` signs dists that have no .asc only when asked (`--sign`; `--no-sign` is the default). */
export const DEFAULT_SIGN = false;

export interface SignaturePolicyInput {
  /** The index is PyPI or TestPyPI (`isPyPIUrl`). */
  isPyPI: boolean;
  /** `--sign` (default DEFAULT_SIGN). */
  sign?: boolean;
  /** `--dry-run`: nothing is signed, nothing is sent. */
  dryRun?: boolean;
}

export interface SignaturePolicy {
  /** Sign the dists that have no .asc with your key before anything is sent. */
  signUnsigned: boolean;
  /** Send each dist's .asc with it (the `gpg_signature` part); false where the index drops them. */
  sendSignatures: boolean;
  /**
   * .asc files but no own or trusted key to check them with: `refuse` where they would be sent
   * (a stale or foreign signature must not be published), `warn` where they are not sent anyway.
   */
  uncheckable: 'refuse' | 'warn';
}

/** The signing decisions for one upload; pure, so the table is tested as a table. */
export function signaturePolicy(input: SignaturePolicyInput): SignaturePolicy {
  const sendSignatures = !input.isPyPI;
  return {
    signUnsigned: (input.sign ?? DEFAULT_SIGN) && !input.dryRun,
    sendSignatures,
    uncheckable: sendSignatures ? 'refuse' : 'warn',
  };
}
