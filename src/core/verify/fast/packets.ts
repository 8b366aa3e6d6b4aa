/**
 * A reader for the one kind of packet the fast path checks: a single v4 binary-document signature
 * (RFC 9580 section 5.2.3) with SHA-256/384/512, by RSA, legacy EdDSA or Ed25519. It reads
 * exactly the fields openpgp.js reads, bounds every length by the bytes at hand, and answers
 * `ok: false` for anything else (another version, type or algorithm, a subpacket it does not know,
 * a partial length, a second packet, trailing bytes): the full verifier then decides. Never throws.
 */

export const PK_RSA = 1;
export const PK_EDDSA_LEGACY = 22;
export const PK_ED25519 = 27;

/** Hash algorithm IDs the fast path checks, with node:crypto's names and the names we print. */
export const FAST_HASHES: Record<number, { node: string; label: string }> = {
  8: { node: 'sha256', label: 'SHA256' },
  9: { node: 'sha384', label: 'SHA384' },
  10: { node: 'sha512', label: 'SHA512' },
};

export interface FastSignature {
  hashAlgorithm: number;
  publicKeyAlgorithm: number;
  /** Creation time, seconds since the epoch (the hashed subpacket). */
  created: number;
  /** The issuer's v4 fingerprint, 40 hex digits, uppercase. */
  issuerFingerprint: string;
  /** The left 16 bits of the signed digest, as the packet claims them. */
  signedHashValue: Uint8Array;
  /** Version through the hashed subpackets: what the v4 trailer covers. */
  signatureData: Uint8Array;
  /** RSA: [s]; legacy EdDSA: [r, s]; Ed25519: [r||s]. */
  params: Uint8Array[];
}

export type ParsedSignature = { ok: true; signature: FastSignature } | { ok: false; why: string };

const no = (why: string): ParsedSignature => ({ ok: false, why });

/** Parse the packet bytes of a detached signature (see the module comment). */
export function parseSignaturePacket(bytes: Uint8Array): ParsedSignature {
  const header = packetHeader(bytes);
  if (typeof header === 'string') return no(header);
  if (header.tag !== 2) return no(`packet tag ${header.tag}, not a signature`);
  if (header.start + header.length !== bytes.length) return no('not exactly one packet');
  return parseBody(bytes.subarray(header.start));
}

/** Tag, body start and body length of the first packet; a string says why not. */
function packetHeader(bytes: Uint8Array): { tag: number; start: number; length: number } | string {
  const b = bytes[0];
  if (b === undefined || (b & 0x80) === 0) return 'not an OpenPGP packet';
  if (b & 0x40) {
    const l0 = bytes[1];
    if (l0 === undefined) return 'truncated packet header';
    if (l0 < 192) return { tag: b & 0x3f, start: 2, length: l0 };
    if (l0 < 224) {
      if (bytes.length < 3) return 'truncated packet header';
      return { tag: b & 0x3f, start: 3, length: ((l0 - 192) << 8) + bytes[2]! + 192 };
    }
    if (l0 === 255) {
      if (bytes.length < 6) return 'truncated packet header';
      return { tag: b & 0x3f, start: 6, length: readU32(bytes, 2) };
    }
    return 'partial body length';
  }
  const lengthType = b & 3;
  if (lengthType === 3) return 'indeterminate length';
  const size = 1 << lengthType;
  if (bytes.length < 1 + size) return 'truncated packet header';
  let length = 0;
  for (let i = 0; i < size; i += 1) length = length * 256 + bytes[1 + i]!;
  return { tag: (b >> 2) & 0x0f, start: 1 + size, length };
}

function readU32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) >>> 0) + (bytes[at + 1]! << 16) + (bytes[at + 2]! << 8) + bytes[at + 3]!;
}

interface Subpackets {
  created?: number;
  fingerprints: string[];
  keyIDs: string[];
}

function parseBody(body: Uint8Array): ParsedSignature {
  if (body.length < 6) return no('truncated signature');
  if (body[0] !== 4) return no(`signature version ${body[0]}`);
  if (body[1] !== 0x00) return no(`signature type 0x${body[1]!.toString(16).padStart(2, '0')}`);
  const publicKeyAlgorithm = body[2]!;
  const hashAlgorithm = body[3]!;
  if (![PK_RSA, PK_EDDSA_LEGACY, PK_ED25519].includes(publicKeyAlgorithm))
    return no(`public-key algorithm ${publicKeyAlgorithm}`);
  if (!FAST_HASHES[hashAlgorithm]) return no(`hash algorithm ${hashAlgorithm}`);
  const found: Subpackets = { fingerprints: [], keyIDs: [] };
  const hashedEnd = readArea(body, 4, true, found);
  if (typeof hashedEnd === 'string') return no(hashedEnd);
  const unhashedEnd = readArea(body, hashedEnd, false, found);
  if (typeof unhashedEnd === 'string') return no(unhashedEnd);
  if (found.created === undefined) return no('no hashed creation time');
  const fpr = found.fingerprints[0];
  if (fpr === undefined || found.fingerprints.some((f) => f !== fpr))
    return no('no single issuer fingerprint');
  if (found.keyIDs.some((id) => id !== fpr.slice(-16)))
    return no('issuer key ID disagrees with the fingerprint');
  // openpgp.js matches the all-zero ("wildcard") key ID to every key: leave that to the full path.
  if (/^0{16}$/.test(fpr.slice(-16))) return no('wildcard issuer key ID');
  if (body.length < unhashedEnd + 2) return no('truncated signature');
  const params = readParams(body.subarray(unhashedEnd + 2), publicKeyAlgorithm);
  if (typeof params === 'string') return no(params);
  return {
    ok: true,
    signature: {
      hashAlgorithm,
      publicKeyAlgorithm,
      created: found.created,
      issuerFingerprint: fpr,
      signedHashValue: body.subarray(unhashedEnd, unhashedEnd + 2),
      signatureData: body.subarray(0, hashedEnd),
      params,
    },
  };
}

/**
 * One subpacket area (2-octet length, then subpackets) from `at`; returns where it ends. Hashed:
 * creation time, issuer key ID and fingerprint, non-critical notations (openpgp.js adds a salt
 * notation). Unhashed: issuer key ID and fingerprint only (openpgp.js reads no other unhashed one).
 */
function readArea(body: Uint8Array, at: number, hashed: boolean, found: Subpackets): number | string {
  if (body.length < at + 2) return 'truncated subpacket area';
  const end = at + 2 + ((body[at]! << 8) | body[at + 1]!);
  if (end > body.length) return 'subpacket area longer than the packet';
  let pos = at + 2;
  while (pos < end) {
    const o = body[pos]!;
    let length: number;
    if (o < 192) {
      length = o;
      pos += 1;
    } else if (o < 255) {
      if (pos + 2 > end) return 'truncated subpacket';
      length = ((o - 192) << 8) + body[pos + 1]! + 192;
      pos += 2;
    } else {
      if (pos + 5 > end) return 'truncated subpacket';
      length = readU32(body, pos + 1);
      pos += 5;
    }
    if (length < 1 || pos + length > end) return 'subpacket longer than its area';
    const critical = (body[pos]! & 0x80) !== 0;
    const type = body[pos]! & 0x7f;
    const data = body.subarray(pos + 1, pos + length);
    pos += length;
    if (type === 2 && hashed && data.length === 4) {
      if (found.created !== undefined) return 'two creation times';
      found.created = readU32(data, 0);
    } else if (type === 16 && !critical && data.length === 8) {
      found.keyIDs.push(hex(data));
    } else if (type === 33 && !critical && data.length === 21 && data[0] === 4) {
      found.fingerprints.push(hex(data.subarray(1)));
    } else if (type === 20 && hashed && !critical && notationIsWellFormed(data)) {
      // ignored by every verifier unless critical
    } else {
      return `${hashed ? 'hashed' : 'unhashed'} subpacket ${type}${critical ? ' (critical)' : ''}`;
    }
  }
  return end;
}

function notationIsWellFormed(data: Uint8Array): boolean {
  if (data.length < 8) return false;
  const nameLength = (data[4]! << 8) | data[5]!;
  const valueLength = (data[6]! << 8) | data[7]!;
  return 8 + nameLength + valueLength === data.length;
}

/** The algorithm-specific fields, which must end exactly at the end of the packet. */
function readParams(bytes: Uint8Array, algorithm: number): Uint8Array[] | string {
  if (algorithm === PK_ED25519) return bytes.length === 64 ? [bytes] : 'Ed25519 signature is not 64 bytes';
  const params: Uint8Array[] = [];
  let pos = 0;
  const count = algorithm === PK_RSA ? 1 : 2;
  for (let i = 0; i < count; i += 1) {
    if (pos + 2 > bytes.length) return 'truncated MPI';
    const length = (((bytes[pos]! << 8) | bytes[pos + 1]!) + 7) >>> 3;
    if (pos + 2 + length > bytes.length) return 'truncated MPI';
    params.push(bytes.subarray(pos + 2, pos + 2 + length));
    pos += 2 + length;
  }
  return pos === bytes.length ? params : 'bytes after the signature values';
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}
