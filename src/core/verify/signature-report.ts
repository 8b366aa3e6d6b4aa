import type * as openpgp from 'openpgp';
import type { HashFeed } from '../io/prehashed.js';
import type { KeyChecks } from './key-checks.js';
import type { Reason } from './reasons.js';

/** One signature's verdict and the facts behind it. */
export interface SignatureReport {
  index: number;
  /** good: counts toward the threshold. bad: checked and refused. could-not-check: unknown key or format. */
  verdict: 'good' | 'bad' | 'could-not-check';
  reason: Reason;
  /** The issuer key ID (16 hex, uppercase) as the signature names it. */
  keyID?: string;
  primaryFingerprint?: string;
  signingKeyFingerprint?: string;
  /** The primary user ID, as claimed by the key (not a proof of identity). */
  userID?: string;
  /** True when the signer is one of your own keys (the home's keys/), trusted as gpg trusts its own. */
  ownKey?: boolean;
  /** Signature creation time, ISO 8601 UTC. */
  created?: string;
  signatureType?: string;
  hashAlgorithm?: string;
  /** The signing (sub)key's algorithm: 'EdDSA', 'RSA', ... with bits or curve. */
  keyAlgorithm?: string;
  keyBits?: number;
  keyCurve?: string;
  /** The key's expiry now (null: never). */
  keyExpires?: string | null;
  /** 'valid' or the reason code the key was not valid for signing at that time. */
  validAtSigning?: string;
  validNow?: string;
  warnings: string[];
}

export interface ExamineOptions {
  keys: openpgp.PublicKey[];
  now: Date;
  /** Pinned primary fingerprints (--signer); undefined = any trusted key. */
  signers?: string[];
  /** Fingerprints the trust policy allows for this project, with the policy's name for it. */
  pinned?: { spec: string; fingerprints: string[] };
  /** A faster way to read the same data into hashes (a file handle); default: read `data()`. */
  feed?: HashFeed;
  /** Primary fingerprints of your own keys among `keys` (the verdict says "your own key"). */
  ownFingerprints?: string[];
  /** Refuse text-mode (0x01) signatures, which do not protect the exact bytes. */
  binaryOnly?: boolean;
  /** false: let openpgp.js hash the data itself (the streaming fallback; tests force it). */
  prehash?: boolean;
  /** Key checks remembered across the files of one run (key-checks.ts); default: none remembered. */
  keyChecks?: KeyChecks;
}
