/**
 * Every bound distseal puts on input it did not make: archives, downloads, signatures, keys and
 * server replies. One place, so the README's "Limits" section can list them and a reviewer can
 * see them side by side. Each is checked while the input is read (never after), and an input over
 * a limit is refused with an error naming the file and the limit (exit 2, or 3 where the input
 * was being verified). Only the repodata cap and the HTTP deadline are user options: an honest
 * huge channel, or a slow link, is a real reason; the rest are far above any honest input.
 */

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** Most members one archive (zip central directory, tar stream) may hold. */
export const MAX_ARCHIVE_ENTRIES = 100_000;

/** Largest member read whole into memory (metadata files, index.json). Streams have no such cap. */
export const MAX_MEMBER_BYTES = 256 * MiB;

/** Most bytes one decompression stream may produce (the CPU bound; memory stays flat). */
export const MAX_DECOMPRESSED_BYTES = 16 * GiB;

/**
 * Largest output/input ratio of a compressed stream (gzip, bzip2, zstd) once more than
 * RATIO_GRACE_BYTES came out. Real packages stay far below it; a bomb (1 GiB of zeros in a
 * kilobyte of bzip2) is far above it, and is stopped a few megabytes in.
 */
export const MAX_EXPANSION_RATIO = 1000;

/** Below this much output any ratio is fine (a small file of zeros compresses absurdly well). */
export const RATIO_GRACE_BYTES = 2 * MiB;

/** Largest zstd window a frame may ask for (zstd's own decoder default: windowLog 27). */
export const MAX_ZSTD_WINDOW_BYTES = 128 * MiB;

/** Core metadata (METADATA, PKG-INFO) larger than this is refused; long READMEs are a few hundred KiB. */
export const MAX_METADATA_BYTES = 16 * MiB;

/** How much of each archive member the leak scan reads (a prefix; big members are not read whole). */
export const LEAK_SCAN_BYTES = 64 * KiB;

/** A symlink target inside a zip (its member's content) longer than this is not a path. */
export const MAX_LINK_TARGET_BYTES = 4 * KiB;

/** A detached signature (.asc) larger than this is refused; real ones are under a KiB each. */
export const MAX_SIGNATURE_BYTES = 1 * MiB;

/** A key file or key read from standard input larger than this is refused. */
export const MAX_KEY_FILE_BYTES = 1 * MiB;

/** Largest keyring file `verify --keyring` reads (a whole distribution keyring is a few MB). */
export const MAX_KEYRING_BYTES = 64 * MiB;

/** Largest SHA256SUMS manifest `verify --manifest` reads (a line per file: far above any release). */
export const MAX_MANIFEST_BYTES = 16 * MiB;

/** repodata.json downloaded or read from a channel; `--max-repodata-size` raises it for huge channels. */
export const MAX_REPODATA_BYTES = 256 * MiB;

/** A package downloaded from a channel with no size in its repodata record. */
export const MAX_PACKAGE_BYTES = 16 * GiB;

/** The body of an API reply kept for parsing and messages; the rest is drained and dropped. */
export const MAX_RESPONSE_BYTES = 64 * KiB;

/** How much of a server's reply text may appear in a message. */
export const MAX_SERVER_TEXT_CHARS = 512;

/** Idle timeout of one HTTP attempt: no byte either way for this long. */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/**
 * Total time one HTTP attempt may take once the request is sent (a server trickling a byte a
 * second is cut off here). Downloads get DEFAULT_DOWNLOAD_DEADLINE_MS instead.
 */
export const DEFAULT_DEADLINE_MS = 5 * 60_000;

/**
 * Total time one download (repodata, a package) may take; a signature download gets
 * DEFAULT_DEADLINE_MS. Generous, for big packages on slow links: it only has to end a trickle.
 */
export const DEFAULT_DOWNLOAD_DEADLINE_MS = 60 * 60_000;

/**
 * A size as a user writes it on the command line: bytes, or a number with K, M or G (binary:
 * KiB, MiB, GiB; an optional trailing "iB" or "B"). Undefined when it is not one.
 */
export function parseByteSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = { '': 1, k: KiB, m: MiB, g: GiB }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  const value = Math.floor(Number(m[1]) * unit);
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}
