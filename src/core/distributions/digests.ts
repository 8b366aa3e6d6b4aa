/**
 * File digests for uploads, in one streaming pass: sha256 and blake2b-256 always (the legacy
 * upload API's `sha256_digest` and `blake2_256_digest`), md5 only when asked (twine 4.0.2 and
 * some older indexes want `md5_digest`; twine 6.2 stopped sending it). node:crypto has no
 * blake2b-256 (only blake2b512, which is a different hash, not a truncation). @noble/hashes'
 * pure-JS blake2b runs at ~30 MB/s, which made a 1 GiB upload three times slower than twine
 * (bench/upload-pypi.ts), so blake2b comes from hash-wasm's WebAssembly build (~10x faster),
 * with @noble/hashes as the fallback if WebAssembly cannot start.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { blake2b } from '@noble/hashes/blake2.js';
import { createBLAKE2b } from 'hash-wasm';
import { wrapFsError } from '../io/atomic.js';
import type { Logger } from '../logger.js';

export interface DistDigests {
  /** Lowercase hex. */
  sha256: string;
  /** Lowercase hex BLAKE2b with a 32-byte digest. */
  blake2_256: string;
  /** Lowercase hex, only when `md5: true` was asked. */
  md5?: string;
  size: number;
}

export interface DigestOptions {
  md5?: boolean;
  logger?: Logger;
  /** Progress label (default "hashing FILE"). */
  label?: string;
}

interface Blake {
  update(data: Uint8Array): unknown;
  hex(): string;
}

/** A blake2b-256 hasher: WebAssembly when it starts, else pure JS. */
export async function createBlake2b256(): Promise<Blake> {
  try {
    const h = await createBLAKE2b(256);
    h.init();
    return { update: (d) => h.update(d), hex: () => h.digest('hex') };
  } catch {
    const h = blake2b.create({ dkLen: 32 });
    return { update: (d) => h.update(d), hex: () => Buffer.from(h.digest()).toString('hex') };
  }
}

/** An incremental hasher for callers that already stream the bytes. */
export class DigestAccumulator {
  private readonly sha = createHash('sha256');
  private readonly md5?: ReturnType<typeof createHash>;
  size = 0;

  private constructor(
    private readonly blake: Blake,
    withMd5: boolean,
  ) {
    if (withMd5) this.md5 = createHash('md5');
  }

  static async create(withMd5 = false): Promise<DigestAccumulator> {
    return new DigestAccumulator(await createBlake2b256(), withMd5);
  }

  update(chunk: Buffer): void {
    this.sha.update(chunk);
    this.blake.update(chunk);
    this.md5?.update(chunk);
    this.size += chunk.length;
  }

  digest(): DistDigests {
    return {
      sha256: this.sha.digest('hex'),
      blake2_256: this.blake.hex(),
      ...(this.md5 ? { md5: this.md5.digest('hex') } : {}),
      size: this.size,
    };
  }
}

/** Hash `file` once, streaming; memory stays at one read buffer whatever the size. */
export async function distDigests(file: string, options: DigestOptions = {}): Promise<DistDigests> {
  const acc = await DigestAccumulator.create(options.md5);
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
      acc.update(chunk as Buffer);
      options.logger?.progress?.({
        id: `hash:${file}`,
        label: options.label ?? `hashing ${file}`,
        done: acc.size,
      });
    }
  } catch (error) {
    throw wrapFsError(error, file, 'read');
  }
  return acc.digest();
}
