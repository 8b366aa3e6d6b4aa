import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { hex, PK_ED25519, PK_EDDSA_LEGACY, PK_RSA } from './packets.js';

/** OID of Ed25519Legacy (1.3.6.1.4.1.11591.15.1), as a legacy EdDSA key packet spells it. */
const ED25519_LEGACY_OID = Buffer.from('092b06010401da470f01', 'hex');

/** A v4 public (sub)key packet's body, read back from the verification index. */
export interface FastKey {
  /** 40 hex digits, uppercase: SHA-1 over the packet itself, so it cannot name other material. */
  fingerprint: string;
  algorithm: number;
  /** Bytes of the RSA modulus (for the signature's length); 32 for Ed25519. */
  size: number;
  /** The node:crypto key, made on first use (only the signer's key is ever needed). */
  key: () => KeyObject;
}

/**
 * Read a v4 public key packet body (as openpgp.js writes it) for RSA, legacy EdDSA on Ed25519, or
 * Ed25519, and compute its fingerprint from those very bytes. Undefined for anything else.
 */
export function readKeyPacket(body: Uint8Array): FastKey | undefined {
  if (body.length < 7 || body.length > 0xffff || body[0] !== 4) return undefined;
  const algorithm = body[5]!;
  const rest = body.subarray(6);
  let make: (() => KeyObject) | undefined;
  let size = 32;
  if (algorithm === PK_ED25519) {
    if (rest.length !== 32) return undefined;
    make = () => okp(rest);
  } else if (algorithm === PK_EDDSA_LEGACY) {
    const oid = rest.subarray(0, ED25519_LEGACY_OID.length);
    const q = rest.subarray(ED25519_LEGACY_OID.length);
    // MPI of 263 bits: 0x40 then the 32-byte point (openpgp.js checks the same prefix).
    if (!Buffer.from(oid).equals(ED25519_LEGACY_OID) || q.length !== 35) return undefined;
    if (q[0] !== 0x01 || q[1] !== 0x07 || q[2] !== 0x40) return undefined;
    make = () => okp(q.subarray(3));
  } else if (algorithm === PK_RSA) {
    const n = mpi(rest, 0);
    const e = n && mpi(rest, n.next);
    if (!n || !e || e.next !== rest.length || n.value[0] === 0 || e.value[0] === 0) return undefined;
    size = n.value.length;
    make = () =>
      createPublicKey({ key: { kty: 'RSA', n: base64url(n.value), e: base64url(e.value) }, format: 'jwk' });
  }
  if (!make) return undefined;
  const head = Buffer.from([0x99, body.length >> 8, body.length & 0xff]);
  const fingerprint = hex(createHash('sha1').update(head).update(body).digest());
  let made: KeyObject | undefined;
  return { fingerprint, algorithm, size, key: () => (made ??= make()) };
}

function okp(x: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: base64url(x) }, format: 'jwk' });
}

function mpi(bytes: Uint8Array, at: number): { value: Uint8Array; next: number } | undefined {
  if (at + 2 > bytes.length) return undefined;
  const length = (((bytes[at]! << 8) | bytes[at + 1]!) + 7) >>> 3;
  if (length === 0 || at + 2 + length > bytes.length) return undefined;
  return { value: bytes.subarray(at + 2, at + 2 + length), next: at + 2 + length };
}

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}
