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
 * does the key-validity and policy checks and the public-key crypto (but RSA signing: see
 * sign/rsa-node.ts).
 *
 * Safety: a packet this module does not recognise (v5, an unknown hash) is left to openpgp.js's
 * own streaming path by the callers; a digest that is wrong makes the signature fail, never pass.
 * The message openpgp.js is handed beside the digest holds random bytes, so if a future
 * openpgp.js skipped the `hashed` hook and hashed that message instead, every signature would
 * fail (test/security/prehash-hook.test.ts). Signing verifies its own result before returning it.
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

/** What a feed writes the data into: a node Hash, or a filter in front of one (TextModeSink). */
export interface HashSink {
  update(chunk: Uint8Array): unknown;
}

/** Something that reads the data to the end once, feeding every sink it is given. */
export type HashFeed = (hashes: HashSink[]) => Promise<void>;

/** Read `data` to the end once, feeding every sink. */
export async function hashStream(data: ReadableStream<Uint8Array>, hashes: HashSink[]): Promise<void> {
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

/** Remove the digest setDigest gave, so the packet can be checked again over real data. */
export function clearDigest(packet: openpgp.SignaturePacket): void {
  delete (packet as unknown as { hashed?: unknown }).hashed;
}

const CR = 0x0d;
const LF = 0x0a;
const CRLF = new Uint8Array([CR, LF]);

/**
 * A text-mode (0x01) signature is made over the text with every line ending made CRLF (RFC 9580
 * section 5.2.1.2). This filter does that on the way into `hash`, across chunk boundaries: CRLF
 * stays, a lone LF or a lone CR becomes CRLF (as Sequoia and openpgp.js do; gpg agrees for LF
 * and CRLF files). Bytes are never decoded, so two different files never hash alike by decoding.
 */
export class TextModeSink implements HashSink {
  /** The previous byte was a CR, already written out as CRLF: a LF right after it is dropped. */
  private afterCR = false;

  constructor(private readonly hash: HashSink) {}

  update(chunk: Uint8Array): void {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (c !== CR && c !== LF) {
        this.afterCR = false;
        continue;
      }
      if (i > start) this.hash.update(chunk.subarray(start, i));
      start = i + 1;
      if (c === LF && this.afterCR) {
        this.afterCR = false;
        continue;
      }
      this.hash.update(CRLF);
      this.afterCR = c === CR;
    }
    if (start < chunk.length) this.hash.update(chunk.subarray(start));
  }
}
