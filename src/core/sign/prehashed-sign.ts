import * as openpgp from 'openpgp';
import { finishDigest, setDigest, clearDigest, startDigest, type HashFeed } from '../io/prehashed.js';
import { isRsa, rsaSignDigest } from './rsa-node.js';

/** The fields of openpgp.js's SignaturePacket this module sets (public at runtime, not all typed). */
interface SignatureFields {
  version: number;
  signatureType: number;
  publicKeyAlgorithm: number;
  hashAlgorithm: number;
  created: Date;
  issuerKeyVersion: number;
  issuerFingerprint: Uint8Array;
  issuerKeyID: openpgp.KeyID;
  rawNotations: unknown[];
  unhashedSubpackets: unknown[];
  signatureData: Uint8Array;
  signedHashValue: Uint8Array;
  params: { s: Uint8Array };
  writeHashedSubPackets(): Uint8Array;
  hash?: (...args: unknown[]) => Promise<Uint8Array>;
  toHash?: (...args: unknown[]) => unknown;
  sign(k: unknown, d: unknown, date: Date, detached: boolean, c: openpgp.Config): Promise<void>;
  verify(k: unknown, t: number, d: unknown, date: Date, detached: boolean, c: openpgp.Config): Promise<void>;
}

type SecretPacket = openpgp.SecretKeyPacket | openpgp.SecretSubkeyPacket;

/** The hash a new signature uses: SHA-256 (what gpg 2.2 uses for Ed25519 and RSA), larger for P-384/P-521. */
export function signingHashFor(keyPacket: SecretPacket): number {
  const info = keyPacket.getAlgorithmInfo() as { curve?: string };
  if (info.curve === 'nistP384' || info.curve === 'brainpoolP384r1') return openpgp.enums.hash.sha384;
  if (info.curve === 'nistP521' || info.curve === 'brainpoolP512r1') return openpgp.enums.hash.sha512;
  return openpgp.enums.hash.sha256;
}

/**
 * A binary-mode (0x00) detached signature packet over the data `feed` reads, made by `keyPacket`
 * (decrypted), with the data hashed by node:crypto in one pass (io/prehashed.ts).
 *
 * RSA keys sign through node:crypto (OpenSSL: CRT, blinding, constant-time), never through
 * openpgp.js's pure BigInt exponentiation, which is what it falls back to when given a digest
 * (no CRT, not constant-time, about 140 ms for RSA-4096). Other algorithms are signed by
 * openpgp.js over our digest.
 *
 * The result is checked against the key over the digest before it is returned, so a library
 * change that broke this fails loudly instead of writing a bad `.asc`.
 */
export async function signPrehashed(
  feed: HashFeed,
  keyPacket: SecretPacket,
  date: Date,
  config: Partial<openpgp.Config>,
): Promise<openpgp.SignaturePacket> {
  const packet = new openpgp.SignaturePacket();
  const fields = packet as unknown as SignatureFields;
  fields.signatureType = openpgp.enums.signature.binary;
  fields.publicKeyAlgorithm = keyPacket.algorithm;
  fields.hashAlgorithm = signingHashFor(keyPacket);
  fields.rawNotations = [];
  const fullConfig = { ...openpgp.config, ...config } as openpgp.Config;
  const digest = isRsa(keyPacket.algorithm)
    ? await signRsa(fields, packet, keyPacket, feed, date)
    : await signWithOpenpgp(fields, packet, keyPacket, feed, date, fullConfig);
  // The self-check: openpgp.js verifies the finished packet over the same digest.
  setDigest(packet, digest);
  try {
    await fields.verify(keyPacket, openpgp.enums.signature.binary, undefined, date, true, fullConfig);
  } finally {
    clearDigest(packet);
  }
  return packet;
}

/** openpgp.js builds and signs the packet; we answer its hash() with our own digest. */
async function signWithOpenpgp(
  fields: SignatureFields,
  packet: openpgp.SignaturePacket,
  keyPacket: SecretPacket,
  feed: HashFeed,
  date: Date,
  config: openpgp.Config,
): Promise<Uint8Array> {
  let digest: Uint8Array | undefined;
  // sign() calls toHash() then hash(): skip the former (it would wrap the data in web streams)
  // and answer the latter with our own digest, once signatureData (with any salt notation) is set.
  fields.toHash = () => undefined;
  fields.hash = async () => {
    const hash = startDigest(packet);
    await feed([hash]);
    digest = finishDigest(packet, hash);
    return digest;
  };
  try {
    await fields.sign(keyPacket, undefined, date, true, config);
  } finally {
    delete fields.hash;
    delete fields.toHash;
  }
  if (!digest)
    throw new Error('openpgp.js signed without asking for the digest (has its SignaturePacket changed?)');
  return digest;
}

/**
 * The v4 packet built here as openpgp.js's SignaturePacket.sign builds it (RFC 9580 section 5.2.3:
 * creation time and issuer fingerprint hashed), with the RSA signature made by OpenSSL. No salt
 * notation: PKCS#1 v1.5 does not need one and gpg does not add one.
 */
async function signRsa(
  fields: SignatureFields,
  packet: openpgp.SignaturePacket,
  keyPacket: SecretPacket,
  feed: HashFeed,
  date: Date,
): Promise<Uint8Array> {
  if (keyPacket.version !== 4) throw new Error(`an RSA key packet of version ${keyPacket.version}`);
  fields.version = 4;
  fields.created = new Date(Math.floor(date.getTime() / 1000) * 1000);
  fields.issuerKeyVersion = 4;
  fields.issuerFingerprint = keyPacket.getFingerprintBytes() as Uint8Array;
  fields.issuerKeyID = keyPacket.getKeyID();
  fields.unhashedSubpackets = [];
  const head = new Uint8Array([4, fields.signatureType, fields.publicKeyAlgorithm, fields.hashAlgorithm]);
  const hashed = fields.writeHashedSubPackets();
  fields.signatureData = new Uint8Array([...head, ...hashed]);
  const hash = startDigest(packet);
  await feed([hash]);
  const digest = finishDigest(packet, hash);
  fields.signedHashValue = digest.slice(0, 2);
  fields.params = { s: rsaSignDigest(keyPacket, fields.hashAlgorithm, digest) };
  return digest;
}
