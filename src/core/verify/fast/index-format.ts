import { createHash } from 'node:crypto';

/** What the file says it is; another format or version is ignored (the full path runs). */
export const INDEX_FORMAT = 'distseal/verify-cache';
export const INDEX_VERSION = 1;

/**
 * One key that may make good signatures on the fast path: a signing (sub)key of a trusted key (or
 * your own), with what the full verifier printed for it when it wrote the index.
 */
export interface IndexSigner {
  /** The v4 public key packet body of the signing (sub)key, base64: material and fingerprint. */
  packet: string;
  primaryFingerprint: string;
  own: boolean;
  /** The signing key is valid, unchanged, for signatures made in [validFrom, validUntil) (ms). */
  validFrom: number;
  validUntil: number | null;
  userID: string;
  keyAlgorithm: string;
  keyBits?: number;
  keyCurve?: string;
  keyExpires: string | null;
}

export interface VerifyIndex {
  format: typeof INDEX_FORMAT;
  version: typeof INDEX_VERSION;
  /** The distseal version that wrote it. */
  distseal: string;
  /** trustInputsDigest() of the home when it was written. */
  inputs: string;
  /** The home's policy pins some project (the fast path then steps aside). */
  pins: boolean;
  /** The key ID of every key and subkey in the keyring, repeats kept: an issuer must be unique. */
  keyIDs: string[];
  signers: IndexSigner[];
}

/** The index as written: its JSON, with a SHA-256 seal over the rest that catches a damaged file. */
export function serializeIndex(index: VerifyIndex): string {
  const body = JSON.stringify(index);
  return `${JSON.stringify({ ...index, seal: seal(body) })}\n`;
}

function seal(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}

const HEX40 = /^[0-9A-F]{40}$/;
const HEX16 = /^[0-9A-F]{16}$/;

/** The index from its text, or undefined when it is not exactly a valid index of this version. */
export function parseIndex(text: string): VerifyIndex | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(data) || data.format !== INDEX_FORMAT || data.version !== INDEX_VERSION) return undefined;
  const { seal: claimed, ...rest } = data;
  if (typeof claimed !== 'string' || claimed !== seal(JSON.stringify(rest))) return undefined;
  if (typeof data.distseal !== 'string' || typeof data.inputs !== 'string' || typeof data.pins !== 'boolean')
    return undefined;
  if (!Array.isArray(data.keyIDs) || !data.keyIDs.every((k) => typeof k === 'string' && HEX16.test(k)))
    return undefined;
  if (!Array.isArray(data.signers) || !data.signers.every(isSigner)) return undefined;
  return rest as unknown as VerifyIndex;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const optional = (value: unknown, type: string) => value === undefined || typeof value === type;

function isSigner(s: unknown): s is IndexSigner {
  return (
    isObject(s) &&
    typeof s.packet === 'string' &&
    typeof s.primaryFingerprint === 'string' &&
    HEX40.test(s.primaryFingerprint) &&
    typeof s.own === 'boolean' &&
    Number.isSafeInteger(s.validFrom) &&
    (s.validUntil === null || Number.isSafeInteger(s.validUntil)) &&
    typeof s.userID === 'string' &&
    typeof s.keyAlgorithm === 'string' &&
    optional(s.keyBits, 'number') &&
    optional(s.keyCurve, 'string') &&
    (s.keyExpires === null || typeof s.keyExpires === 'string')
  );
}
