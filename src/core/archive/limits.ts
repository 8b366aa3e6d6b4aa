import path from 'node:path';
import { InputError } from '../errors.js';
import {
  MAX_ARCHIVE_ENTRIES,
  MAX_DECOMPRESSED_BYTES,
  MAX_EXPANSION_RATIO,
  MAX_MEMBER_BYTES,
  RATIO_GRACE_BYTES,
} from '../limits.js';

export { RATIO_GRACE_BYTES } from '../limits.js';

/**
 * Bounds for reading untrusted archives (wheels, sdists, conda packages). Nothing is ever
 * extracted to disk; these caps keep memory and CPU bounded against bombs and junk. The
 * defaults live in src/core/limits.ts.
 */
export interface ArchiveLimits {
  /** Most members an archive may list. */
  maxEntries: number;
  /** Largest single member read whole into memory (declared and actual). */
  maxMemberBytes: number;
  /** Most decompressed bytes one stream may produce in total. */
  maxTotalBytes: number;
  /** Largest output/input ratio of a compressed stream once more than RATIO_GRACE_BYTES came out. */
  maxRatio: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = Object.freeze({
  maxEntries: MAX_ARCHIVE_ENTRIES,
  maxMemberBytes: MAX_MEMBER_BYTES,
  maxTotalBytes: MAX_DECOMPRESSED_BYTES,
  maxRatio: MAX_EXPANSION_RATIO,
});

export function resolveLimits(limits?: Partial<ArchiveLimits>): ArchiveLimits {
  return { ...DEFAULT_ARCHIVE_LIMITS, ...limits };
}

export function bombError(what: string, detail: string): InputError {
  return new InputError('E_ARCHIVE_BOMB', `${what} looks like a decompression bomb: ${detail}.`, {
    subject: what,
    hint: 'Do not trust this file. If it is yours, rebuild it; distseal refuses archives that expand beyond its limits (README, "Limits").',
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
 * Counts a compressed stream's input and output while it is decoded, and throws E_ARCHIVE_BOMB
 * the moment the output passes `maxTotalBytes`, or grows past `maxRatio` times the input once
 * more than RATIO_GRACE_BYTES came out. Decoders call `output` as they produce bytes, so the
 * check happens before the bytes pile up anywhere.
 */
export class ExpansionMeter {
  inputBytes = 0;
  outputBytes = 0;
  constructor(
    private readonly what: string,
    private readonly limits: Pick<ArchiveLimits, 'maxTotalBytes' | 'maxRatio'>,
  ) {}

  input(n: number): void {
    this.inputBytes += n;
  }

  /** The decoder has consumed `total` input bytes so far (for decoders that read ahead). */
  consumedInput(total: number): void {
    this.inputBytes = Math.max(this.inputBytes, total);
  }

  output(n: number): void {
    this.outputBytes += n;
    const { maxTotalBytes, maxRatio } = this.limits;
    if (this.outputBytes > maxTotalBytes)
      throw bombError(this.what, `it expands past ${maxTotalBytes} bytes (the limit)`);
    if (this.outputBytes > RATIO_GRACE_BYTES && this.outputBytes / Math.max(1, this.inputBytes) > maxRatio) {
      throw bombError(
        this.what,
        `${this.outputBytes} bytes came out of ${this.inputBytes} (more than ${maxRatio} times, the limit)`,
      );
    }
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

/**
 * Why a link member is unsafe, or undefined. A symlink's target is resolved from the member's
 * own directory, a hard link's (tar) from the archive root; either is unsafe when it is absolute
 * or climbs above the archive root, where an extracting tool would follow it out of its target
 * (`up -> ../../..`, `shadow -> /etc/shadow`).
 */
export function unsafeLinkTarget(
  member: string,
  target: string,
  kind: 'symlink' | 'hardlink',
): string | undefined {
  const what = kind === 'symlink' ? 'a symlink' : 'a hard link';
  if (target === '') return `is ${what} with an empty target`;
  if (target.includes('\0')) return `is ${what} whose target contains a NUL byte`;
  if (/^([\\/]|[A-Za-z]:)/.test(target)) return `is ${what} to the absolute path ${target}`;
  const base = kind === 'symlink' ? path.posix.dirname(member.replace(/\\/g, '/')) : '.';
  const resolved = path.posix.normalize(path.posix.join(base, target.replace(/\\/g, '/')));
  if (resolved === '..' || resolved.startsWith('../'))
    return `is ${what} to ${target}, which points outside the archive`;
  return undefined;
}
