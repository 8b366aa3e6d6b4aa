import { Transform, type TransformCallback } from 'node:stream';
import { InputError } from '../errors.js';

/**
 * Bounds for reading untrusted archives (wheels, sdists, conda packages). Nothing is ever
 * extracted to disk; these caps keep memory and CPU bounded against bombs and junk.
 */
export interface ArchiveLimits {
  /** Most members an archive may list. */
  maxEntries: number;
  /** Largest single member we will decompress (declared and actual). */
  maxMemberBytes: number;
  /** Most decompressed bytes one stream may produce in total. */
  maxTotalBytes: number;
  /** Largest output/input ratio once more than RATIO_GRACE_BYTES came out (a compression bomb). */
  maxRatio: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = Object.freeze({
  maxEntries: 100_000,
  maxMemberBytes: 256 * 1024 * 1024,
  maxTotalBytes: 2 * 1024 * 1024 * 1024,
  maxRatio: 200,
});

/** Below this much output, any ratio is fine (tiny members of zeros compress absurdly well). */
export const RATIO_GRACE_BYTES = 1024 * 1024;

export function resolveLimits(limits?: Partial<ArchiveLimits>): ArchiveLimits {
  return { ...DEFAULT_ARCHIVE_LIMITS, ...limits };
}

export function bombError(what: string, detail: string): InputError {
  return new InputError('E_ARCHIVE_BOMB', `${what} looks like a decompression bomb: ${detail}.`, {
    subject: what,
    hint: 'Do not trust this file. If it is yours, rebuild it; distseal refuses archives that expand beyond its limits.',
  });
}

export function corruptError(what: string, detail: string, cause?: unknown): InputError {
  return new InputError('E_ARCHIVE_CORRUPT', `${what} is not a readable archive: ${detail}.`, {
    subject: what,
    cause,
    hint: 'The file may be truncated or not the format its name says. Download or build it again.',
  });
}

/**
 * A pass-through that fails once more than `maxBytes` flowed through it, or once the output
 * grew past `maxRatio` times the input counted by `inputBytes()` (when given).
 */
export class ByteBound extends Transform {
  private seen = 0;
  constructor(
    private readonly what: string,
    private readonly maxBytes: number,
    private readonly inputBytes?: () => number,
    private readonly maxRatio?: number,
  ) {
    super();
  }

  get bytes(): number {
    return this.seen;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.maxBytes) {
      callback(bombError(this.what, `it expands past ${this.maxBytes} bytes`));
      return;
    }
    if (this.inputBytes && this.maxRatio && this.seen > RATIO_GRACE_BYTES) {
      const input = Math.max(1, this.inputBytes());
      if (this.seen / input > this.maxRatio) {
        callback(
          bombError(this.what, `${this.seen} bytes came out of ${input} (more than ${this.maxRatio}x)`),
        );
        return;
      }
    }
    callback(null, chunk);
  }
}

/**
 * Why a member name is unsafe to honour (absolute, a drive letter, a `..` segment, a NUL), or
 * undefined when it is fine. distseal never extracts, but reports these: a tool that does would
 * write outside its target directory.
 */
export function unsafeMemberName(name: string): string | undefined {
  if (name.includes('\0')) return 'contains a NUL byte';
  if (name.startsWith('/') || name.startsWith('\\')) return 'is an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'starts with a drive letter';
  if (name.split(/[\\/]/).includes('..')) return "contains a '..' segment";
  return undefined;
}
