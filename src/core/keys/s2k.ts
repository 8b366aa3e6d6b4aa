import { createHash, getHashes } from 'node:crypto';
import type * as openpgp from 'openpgp';

/**
 * Iterated+salted S2K (RFC 4880 / RFC 9580 section 3.7.1.3) without the big buffer.
 *
 * openpgp.js 6.3.2 derives the key from a passphrase by building salt||passphrase repeated to the
 * iteration count as ONE array before hashing it; gpg's usual count is about 65 million bytes, so
 * unlocking a gpg-made key cost 65 MB per key packet (primary and subkey at once: ~130 MB peak).
 * Here the same bytes go through node:crypto in bounded chunks. The result is byte for byte what
 * openpgp.js computes (a wrong result could only make the unlock fail as "wrong passphrase", since
 * the secret key's checksum or AEAD tag is checked after it); anything we do not recognise is left
 * to openpgp.js's own code.
 */

/** OpenPGP hash algorithm ids (RFC 9580 9.5) we stream, with node's names. MD5 (1) stays with openpgp.js. */
const HASHES: ReadonlyMap<number, string> = new Map([
  [2, 'sha1'],
  [3, 'ripemd160'],
  [8, 'sha256'],
  [9, 'sha384'],
  [10, 'sha512'],
  [11, 'sha224'],
  [12, 'sha3-256'],
  [14, 'sha3-512'],
]);

/** The largest count the one-octet coding can name: (16 + 15) << (15 + 6). */
export const MAX_S2K_COUNT = 65_011_712;
/** Bytes handed to the hash at a time (rounded down to whole copies of salt||passphrase). */
const CHUNK = 64 * 1024;
/** Key sizes we derive (ciphers name at most 32 bytes); other requests go to openpgp.js. */
const MAX_KEY_BYTES = 64;

let available: Set<string> | undefined;

/** Node's name for OpenPGP hash `algorithm` when we stream it, else undefined. */
export function s2kHashName(algorithm: unknown): string | undefined {
  if (typeof algorithm !== 'number') return undefined;
  const name = HASHES.get(algorithm);
  available ??= new Set(getHashes());
  return name !== undefined && available.has(name) ? name : undefined;
}

/**
 * Derive `keyBytes` bytes from `passphrase` (UTF-8) with iterated+salted S2K: round r hashes r zero
 * bytes, then `count` bytes of salt||passphrase repeated (at least one whole copy), and the rounds'
 * digests are concatenated. Memory: one chunk, whatever the count.
 *
 * One quirk is kept on purpose to match openpgp.js exactly (so keys it protected still unlock):
 * from the second round on, it repeats the data by doubling and stops once r + filled >= count, so
 * when that leaves the tail short, the tail is zero bytes. With real counts (multiples of 64) and
 * keys of at most two rounds this needs a passphrase of count - 9 bytes; it never happens in round 0.
 */
export function deriveIteratedS2K(
  hashName: string,
  salt: Uint8Array,
  count: number,
  passphrase: string,
  keyBytes: number,
): Uint8Array {
  const data = Buffer.concat([salt, Buffer.from(passphrase, 'utf8')]);
  if (data.length === 0 || !Number.isInteger(keyBytes) || keyBytes < 1 || keyBytes > MAX_KEY_BYTES) {
    throw new RangeError('S2K: nothing to hash, or a key size out of range');
  }
  const total = Math.max(count, data.length);
  const copies = Math.max(1, Math.floor(CHUNK / data.length));
  const chunk = Buffer.alloc(copies * data.length);
  for (let at = 0; at < chunk.length; at += data.length) data.copy(chunk, at);
  const digests: Buffer[] = [];
  let produced = 0;
  for (let round = 0; produced < keyBytes; round += 1) {
    const hash = createHash(hashName);
    if (round > 0) hash.update(Buffer.alloc(round));
    let filled = data.length;
    while (round + filled < total) filled *= 2;
    filled = Math.min(filled, total);
    let left = filled;
    while (left > 0) {
      const n = Math.min(left, chunk.length);
      hash.update(n === chunk.length ? chunk : chunk.subarray(0, n));
      left -= n;
    }
    for (let zeros = total - filled; zeros > 0;) {
      const n = Math.min(zeros, CHUNK);
      hash.update(Buffer.alloc(n));
      zeros -= n;
    }
    const digest = hash.digest();
    digests.push(digest);
    produced += digest.length;
  }
  const all = Buffer.concat(digests);
  const key = new Uint8Array(all.subarray(0, keyBytes));
  for (const buffer of [chunk, data, all, ...digests]) buffer.fill(0);
  return key;
}

/** The fields of openpgp.js's generic S2K object that we read. */
interface IteratedS2KShape {
  type: unknown;
  algorithm: unknown;
  salt: unknown;
  c: unknown;
  getCount: unknown;
  produceKey: (passphrase: string, keyBytes: number, config?: unknown) => Promise<Uint8Array>;
}

/** The S2K object of a secret key packet, if it has one. */
function s2kOf(packet: unknown): IteratedS2KShape | undefined {
  if (typeof packet !== 'object' || packet === null) return undefined;
  const s2k = (packet as { s2k?: unknown }).s2k;
  return typeof s2k === 'object' && s2k !== null ? (s2k as IteratedS2KShape) : undefined;
}

/** True when `s2k` has exactly the iterated+salted fields we know how to derive for. */
function hasIteratedFields(s2k: IteratedS2KShape): boolean {
  return (
    s2k.type === 'iterated' &&
    s2k.salt instanceof Uint8Array &&
    s2k.salt.length === 8 &&
    s2kHashName(s2k.algorithm) !== undefined &&
    typeof s2k.c === 'number' &&
    Number.isInteger(s2k.c) &&
    s2k.c >= 0 &&
    s2k.c <= 255 &&
    typeof s2k.getCount === 'function'
  );
}

/** Give one S2K object our streaming `produceKey`, shadowing openpgp.js's on that object only. */
function streamOne(s2k: IteratedS2KShape): boolean {
  const own = Object.prototype.hasOwnProperty.call(s2k, 'produceKey');
  if (own || typeof s2k.produceKey !== 'function' || !hasIteratedFields(s2k)) return false;
  const original = s2k.produceKey;
  const produceKey = async function (
    this: IteratedS2KShape,
    passphrase: string,
    keyBytes: number,
    config?: unknown,
  ): Promise<Uint8Array> {
    // Read the fields again at call time; anything unexpected goes to openpgp.js's own code.
    const known = hasIteratedFields(this);
    const count: unknown = known ? (this.getCount as () => unknown).call(this) : undefined;
    const hashName = s2kHashName(this.algorithm);
    if (
      !known ||
      hashName === undefined ||
      typeof passphrase !== 'string' ||
      !Number.isInteger(keyBytes) ||
      keyBytes < 1 ||
      keyBytes > MAX_KEY_BYTES ||
      typeof count !== 'number' ||
      !Number.isInteger(count) ||
      count < 0 ||
      count > MAX_S2K_COUNT
    ) {
      return original.call(this, passphrase, keyBytes, config);
    }
    return deriveIteratedS2K(hashName, this.salt as Uint8Array, count, passphrase, keyBytes);
  };
  Object.defineProperty(s2k, 'produceKey', { value: produceKey, configurable: true, writable: true });
  return true;
}

/**
 * Make every iterated+salted S2K of `key`'s secret key packets derive in bounded memory (see the
 * top of this file). Returns how many were changed; the key is otherwise untouched, and packets of
 * any other shape keep openpgp.js's behaviour. Safe to call more than once.
 */
export function streamIteratedS2K(key: openpgp.PrivateKey): number {
  let changed = 0;
  for (const k of key.getKeys()) {
    const s2k = s2kOf(k.keyPacket);
    if (s2k !== undefined && streamOne(s2k)) changed += 1;
  }
  return changed;
}
