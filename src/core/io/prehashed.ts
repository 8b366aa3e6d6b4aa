import { createHash, type Hash } from 'node:crypto';
import * as openpgp from 'openpgp';

/**
 * Hashing the data ourselves, with node:crypto, for openpgp.js signature packets.
 *
 * Why: openpgp.js hashes streamed data through several web-stream transforms (literal packet,
 * passive clones), which costs about twice the raw hash time; `bench/sign-verify.ts` showed
 * distseal at 2.9 s for 1 GiB where gpg took 1.5 s. A v4 (or v6) signature's digest is
 *   H(salt (v6 only) || data || signatureData || version || 0xFF || be32(len(signatureData)))
 * (RFC 9580 section 5.2.4), so we read the data once into node's OpenSSL hash and hand
 * openpgp.js the finished digest: as `packet.hash` when signing, as `packet.hashed` when
 * verifying (the hook openpgp.js itself uses for one-pass streamed messages). openpgp.js still
 * does all the public-key crypto, the key-validity checks and the policy checks.
 *
 * Safety: a packet this module does not recognise (v5, an unknown hash) is left to openpgp.js's
 * own streaming path by the callers; a digest that is wrong makes the signature fail, never pass.
 * Signing verifies its own result before returning it.
 */

const NODE_HASHES: Record<number, string> = {
  [openpgp.enums.hash.md5]: 'md5',
  [openpgp.enums.hash.sha1]: 'sha1',
  [openpgp.enums.hash.ripemd]: 'ripemd160',
  [openpgp.enums.hash.sha224]: 'sha224',
  [openpgp.enums.hash.sha256]: 'sha256',
  [openpgp.enums.hash.sha384]: 'sha384',
  [openpgp.enums.hash.sha512]: 'sha512',
  [openpgp.enums.hash.sha3_256]: 'sha3-256',
  [openpgp.enums.hash.sha3_512]: 'sha3-512',
};

/** The fields of openpgp.js's SignaturePacket this module reads (public at runtime, not all typed). */
interface PacketFields {
  version: number;
  hashAlgorithm: number | null;
  signatureData: unknown;
  salt?: Uint8Array | null;
}

/** True when we can compute this packet's digest ourselves (v4 or v6, a hash node:crypto has). */
export function canPrehash(packet: openpgp.SignaturePacket): boolean {
  const p = packet as unknown as PacketFields;
  if (p.version !== 4 && p.version !== 6) return false;
  if (!(p.signatureData instanceof Uint8Array)) return false;
  if (p.version === 6 && !(p.salt instanceof Uint8Array)) return false;
  const name = NODE_HASHES[p.hashAlgorithm ?? -1];
  return name !== undefined && nodeHasHash(name);
}

let available: Set<string> | undefined;
/** OpenSSL may lack some (ripemd160 needs its legacy provider): ask createHash once per name. */
function nodeHasHash(name: string): boolean {
  available ??= new Set(
    Object.values(NODE_HASHES).filter((candidate) => {
      try {
        createHash(candidate);
        return true;
      } catch {
        return false;
      }
    }),
  );
  return available.has(name);
}

/** A fresh node hash for the packet, already fed the v6 salt when there is one. */
export function startDigest(packet: openpgp.SignaturePacket): Hash {
  const p = packet as unknown as PacketFields;
  const hash = createHash(NODE_HASHES[p.hashAlgorithm ?? -1]!);
  if (p.version === 6 && p.salt) hash.update(p.salt);
  return hash;
}

/** Feed the packet's trailer (RFC 9580 5.2.4) and return the digest. */
export function finishDigest(packet: openpgp.SignaturePacket, hash: Hash): Uint8Array {
  const p = packet as unknown as PacketFields;
  const data = p.signatureData as Uint8Array;
  const trailer = Buffer.alloc(6);
  trailer[0] = p.version;
  trailer[1] = 0xff;
  trailer.writeUInt32BE(data.length, 2);
  hash.update(data);
  hash.update(trailer);
  return new Uint8Array(hash.digest());
}

/** Something that reads the data to the end once, feeding every hash it is given. */
export type HashFeed = (hashes: Hash[]) => Promise<void>;

/** Read `data` to the end once, feeding every hash. */
export async function hashStream(data: ReadableStream<Uint8Array>, hashes: Hash[]): Promise<void> {
  const reader = data.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      for (const hash of hashes) hash.update(value);
    }
  } finally {
    reader.releaseLock();
  }
}

/** Give openpgp.js the digest it would otherwise compute from the message (its one-pass hook). */
export function setDigest(packet: openpgp.SignaturePacket, digest: Uint8Array): void {
  (packet as unknown as { hashed?: Promise<Uint8Array> }).hashed = Promise.resolve(digest);
}

/** The hash a new signature uses: SHA-256 (what gpg 2.2 uses for Ed25519 and RSA), larger for P-384/P-521. */
export function signingHashFor(keyPacket: openpgp.SecretKeyPacket | openpgp.SecretSubkeyPacket): number {
  const info = keyPacket.getAlgorithmInfo() as { curve?: string };
  if (info.curve === 'nistP384' || info.curve === 'brainpoolP384r1') return openpgp.enums.hash.sha384;
  if (info.curve === 'nistP521' || info.curve === 'brainpoolP512r1') return openpgp.enums.hash.sha512;
  return openpgp.enums.hash.sha256;
}

/**
 * A binary-mode (0x00) detached signature packet over the data `feed` reads, made by `keyPacket` (decrypted),
 * with the data hashed by node:crypto in one pass. The result is checked against the key before
 * it is returned, so a library change that broke this would fail loudly, not write a bad `.asc`.
 */
export async function signPrehashed(
  feed: HashFeed,
  keyPacket: openpgp.SecretKeyPacket | openpgp.SecretSubkeyPacket,
  date: Date,
  config: Partial<openpgp.Config>,
): Promise<openpgp.SignaturePacket> {
  const packet = new openpgp.SignaturePacket();
  const fields = packet as unknown as PacketFields & {
    signatureType: number;
    publicKeyAlgorithm: number;
    rawNotations: unknown[];
    hash: (...args: unknown[]) => Promise<Uint8Array>;
    toHash: (...args: unknown[]) => unknown;
  };
  fields.signatureType = openpgp.enums.signature.binary;
  fields.publicKeyAlgorithm = keyPacket.algorithm;
  fields.hashAlgorithm = signingHashFor(keyPacket);
  fields.rawNotations = [];
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
  const fullConfig = { ...openpgp.config, ...config } as openpgp.Config;
  await (
    packet as unknown as {
      sign: (k: unknown, d: unknown, date: Date, detached: boolean, c: openpgp.Config) => Promise<void>;
    }
  ).sign(keyPacket, undefined, date, true, fullConfig);
  delete (fields as Partial<typeof fields>).hash;
  delete (fields as Partial<typeof fields>).toHash;
  setDigest(packet, digest!);
  await (
    packet as unknown as {
      verify: (
        k: unknown,
        t: number,
        d: unknown,
        date: Date,
        detached: boolean,
        c: openpgp.Config,
      ) => Promise<void>;
    }
  ).verify(keyPacket, openpgp.enums.signature.binary, undefined, date, true, fullConfig);
  delete (packet as unknown as { hashed?: unknown }).hashed;
  return packet;
}
