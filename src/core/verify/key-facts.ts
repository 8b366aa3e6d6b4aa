import * as openpgp from 'openpgp';
import { classifyOpenpgpError, reason, type Reason } from './reasons.js';

/** Minimum RSA modulus we accept (PRODUCT.md: no RSA under 2048). */
export const MIN_RSA_BITS = 2048;
/** Data-signature digests we refuse (collision attacks): Sequoia and openpgp.js agree. */
export const WEAK_HASHES = new Set(['md5', 'sha1', 'ripemd']);

export interface AlgorithmFacts {
  /** 'EdDSA', 'RSA', 'ECDSA', 'DSA', ... */
  algorithm: string;
  bits?: number;
  curve?: string;
}

const ALGO_NAMES: Record<string, string> = {
  rsaEncryptSign: 'RSA',
  rsaSign: 'RSA',
  rsaEncrypt: 'RSA',
  dsa: 'DSA',
  elgamal: 'ElGamal',
  ecdsa: 'ECDSA',
  eddsaLegacy: 'EdDSA',
  ed25519: 'Ed25519',
  ed448: 'Ed448',
  ecdh: 'ECDH',
  x25519: 'X25519',
  x448: 'X448',
};

/** Human algorithm facts of a key or subkey. */
export function algorithmFacts(key: openpgp.Key | openpgp.Subkey): AlgorithmFacts {
  const info = key.getAlgorithmInfo() as { algorithm: string; bits?: number; curve?: string };
  const facts: AlgorithmFacts = { algorithm: ALGO_NAMES[info.algorithm] ?? info.algorithm };
  if (info.bits) facts.bits = info.bits;
  if (info.curve) facts.curve = String(info.curve).replace(/Legacy$/, '');
  return facts;
}

/** "EdDSA ed25519", "RSA 3072". */
export function describeAlgorithm(f: AlgorithmFacts): string {
  return [f.algorithm, f.curve ?? (f.bits ? String(f.bits) : undefined)].filter(Boolean).join(' ');
}

/** Our own algorithm policy for a signing (sub)key and its primary, checked before the crypto. */
export function keyAlgorithmProblem(
  key: openpgp.Key | openpgp.Subkey,
  role: 'primary key' | 'signing subkey',
): Reason | undefined {
  const f = algorithmFacts(key);
  if (f.algorithm === 'RSA' && (f.bits ?? 0) < MIN_RSA_BITS) {
    return reason('E_WEAK_KEY', `the ${role} is RSA-${f.bits}; RSA under ${MIN_RSA_BITS} bits is rejected`);
  }
  if (f.algorithm === 'DSA' || f.algorithm === 'ElGamal') {
    return reason(
      'E_WEAK_ALGORITHM',
      `the ${role} is ${f.algorithm}${f.bits ? `-${f.bits}` : ''}; DSA and ElGamal are rejected by default`,
    );
  }
  return undefined;
}

/** The hash name as openpgp.js spells it ('sha512'), and as we print it ('SHA512'). */
export function hashName(id: number): string {
  try {
    return String(openpgp.enums.read(openpgp.enums.hash, id));
  } catch {
    return `unknown(${id})`;
  }
}

export type Validity = { status: 'valid' } | { status: 'invalid'; reason: Reason };

/** Is `signingKeyID` of `key` valid for signing at `date`? (expired, revoked, not yet valid, ...) */
export async function signingValidityAt(
  key: openpgp.PublicKey,
  signingKeyID: openpgp.KeyID,
  date: Date,
): Promise<Validity> {
  const sub = key.getKeys(signingKeyID)[0];
  if (sub && sub.getCreationTime() > date)
    return {
      status: 'invalid',
      reason: reason(
        'E_KEY_NOT_YET_VALID',
        `the key was created on ${sub.getCreationTime().toISOString()}, after ${date.toISOString()}`,
      ),
    };
  try {
    await key.getSigningKey(signingKeyID, date);
    return { status: 'valid' };
  } catch (error) {
    return { status: 'invalid', reason: classifyOpenpgpError(error) };
  }
}

/** The key's expiry as an ISO string, null when it never expires, undefined when unknown. */
export async function expiryOf(key: openpgp.PublicKey): Promise<string | null | undefined> {
  try {
    const e = await key.getExpirationTime();
    if (e === Infinity) return null;
    if (e instanceof Date) return e.toISOString();
    return undefined;
  } catch {
    return undefined;
  }
}

/** The primary user ID, as claimed by the key (not a proof of identity). */
export async function claimedUserID(key: openpgp.PublicKey, date?: Date): Promise<string | undefined> {
  try {
    const primary = await key.getPrimaryUser(date);
    const id = primary.user.userID?.userID;
    if (id) return id;
  } catch {
    /* fall through: no valid self-certified user at that date */
  }
  return key.getUserIDs()[0];
}

/**
 * True when every user ID and the given subkey are bound only by SHA-1 self-signatures: openpgp.js
 * accepts those, Sequoia (since 2023-02) and rnp do not. Reported as a warning.
 */
export function boundOnlyBySha1(key: openpgp.PublicKey): boolean {
  const sigs = key.users.flatMap((u) => u.selfCertifications);
  if (sigs.length === 0) return false;
  return sigs.every((s) => s.hashAlgorithm === openpgp.enums.hash.sha1);
}
