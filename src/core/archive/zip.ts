import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { DistsealError, errnoCode } from '../errors.js';
import { wrapFsError } from '../io/atomic.js';
import { bombError, corruptError, resolveLimits, type ArchiveLimits } from './limits.js';

/** One member of a zip archive, from the central directory. */
export interface ZipEntry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
  /** 0 stored, 8 deflate; anything else cannot be read. */
  compressionMethod: number;
  isDirectory: boolean;
  /** A Unix symlink (made on Unix, mode S_IFLNK in the external attributes); its content is the target. */
  isSymlink: boolean;
  localHeaderOffset: number;
}

export interface ZipArchive {
  /** Every member, in central-directory order. */
  readonly entries: ZipEntry[];
  /** The whole member, at most `maxBytes` (default: the member limit); larger is an error. */
  readEntry(name: string, maxBytes?: number): Promise<Buffer>;
  /** The first `n` bytes of a member (or fewer); only that much is decompressed, whatever its size. */
  readHead(name: string, n: number): Promise<Buffer>;
  /** The member as a stream; yauzl checks its actual size against the declared one. */
  openEntry(name: string): Promise<Readable>;
  close(): Promise<void>;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
/** A local file header is 30 bytes plus the name (and an extra field we cannot see from here). */
const LOCAL_HEADER_BYTES = 30;

/**
 * Open a zip file by its central directory (random access, nothing extracted to disk). Refuses
 * archives with too many members, with two members of one name (distseal would read one copy,
 * pip and Warehouse the other), and with members whose data overlap (the overlapping-file zip
 * bomb). Member sizes are not judged here: reads are bounded by what the caller asks for.
 */
export async function openZip(file: string, partial?: Partial<ArchiveLimits>): Promise<ZipArchive> {
  const limits = resolveLimits(partial);
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(file, {
      lazyEntries: true,
      autoClose: false,
      validateEntrySizes: true,
      strictFileNames: false,
      decodeStrings: true,
    });
  } catch (error) {
    if (errnoCode(error)) throw wrapFsError(error, file, 'read');
    throw corruptError(file, `it is not a zip file (${(error as Error).message})`, error);
  }
  const raw = new Map<string, yauzl.Entry>();
  const entries: ZipEntry[] = [];
  const nameBytes: number[] = [];
  try {
    if (zip.entryCount > limits.maxEntries)
      throw bombError(file, `it lists ${zip.entryCount} members (the limit is ${limits.maxEntries})`);
    for await (const entry of zip.eachEntry()) {
      const name = entry.fileName;
      if (raw.has(name)) throw duplicateError(file, name);
      raw.set(name, entry);
      nameBytes.push(entry.fileNameLength);
      const madeOnUnix = entry.versionMadeBy >> 8 === 3;
      entries.push({
        name,
        compressedSize: entry.compressedSize,
        uncompressedSize: entry.uncompressedSize,
        compressionMethod: entry.compressionMethod,
        isDirectory: name.endsWith('/'),
        isSymlink: madeOnUnix && ((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK,
        localHeaderOffset: entry.relativeOffsetOfLocalHeader,
      });
    }
    refuseOverlaps(file, entries, nameBytes);
  } catch (error) {
    zip.close();
    if (error instanceof DistsealError) throw error;
    throw corruptError(file, (error as Error).message, error);
  }

  const find = (name: string): yauzl.Entry => {
    const entry = raw.get(name);
    if (!entry)
      throw new DistsealError('E_ARCHIVE_MEMBER', 'input', `${file} has no member ${name}.`, {
        subject: file,
      });
    return entry;
  };

  const openEntry = async (name: string): Promise<Readable> => {
    const entry = find(name);
    const what = `${file} (member ${name})`;
    if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
      throw corruptError(
        what,
        `it uses compression method ${entry.compressionMethod}, which distseal cannot read`,
      );
    }
    let stream: Readable;
    try {
      stream = await zip.openReadStreamPromise(entry);
    } catch (error) {
      throw corruptError(what, (error as Error).message, error);
    }
    return stream;
  };

  const collect = async (name: string, n: number, truncate: boolean): Promise<Buffer> => {
    const entry = find(name);
    if (!truncate && entry.uncompressedSize > n)
      throw bombError(
        `${file} (member ${name})`,
        `it declares ${entry.uncompressedSize} bytes (the limit for reading it whole is ${n})`,
      );
    const stream = await openEntry(name);
    const chunks: Buffer[] = [];
    let got = 0;
    try {
      for await (const chunk of stream) {
        const buf = chunk as Buffer;
        chunks.push(buf.subarray(0, n - got));
        got += buf.length;
        if (got >= n) break; // a head read stops decompressing here
      }
    } catch (error) {
      // yauzl reports a member longer than declared (or a bad CRC) as a plain error: name the member.
      if (error instanceof DistsealError) throw error;
      throw corruptError(`${file} (member ${name})`, (error as Error).message, error);
    } finally {
      stream.destroy();
    }
    return Buffer.concat(chunks);
  };

  return {
    entries,
    openEntry,
    readEntry: (name, maxBytes) => collect(name, maxBytes ?? limits.maxMemberBytes, false),
    readHead: (name, n) => (n > 0 ? collect(name, n, true) : Promise.resolve(Buffer.alloc(0))),
    async close() {
      zip.close();
    },
  };
}

function duplicateError(file: string, name: string): DistsealError {
  return new DistsealError(
    'E_ARCHIVE_DUPLICATE',
    'input',
    `${file} holds two members named ${name}; distseal would read one and pip or PyPI the other.`,
    {
      subject: file,
      hint: 'Do not trust this file. If it is yours, rebuild it: no build tool writes a name twice.',
    },
  );
}

/**
 * Members whose compressed data overlap another member's local header are the overlapping-file
 * zip bomb (one kernel of data counted many times): refuse them.
 */
function refuseOverlaps(file: string, entries: ZipEntry[], nameBytes: number[]): void {
  const byOffset = entries
    .map((entry, i) => ({ entry, end: entry.localHeaderOffset + LOCAL_HEADER_BYTES + nameBytes[i]! }))
    .sort((a, b) => a.entry.localHeaderOffset - b.entry.localHeaderOffset);
  for (let i = 1; i < byOffset.length; i += 1) {
    const prev = byOffset[i - 1]!.entry;
    const next = byOffset[i]!.entry;
    const prevEnd = byOffset[i - 1]!.end + prev.compressedSize;
    if (prevEnd > next.localHeaderOffset)
      throw bombError(file, `the data of members ${prev.name} and ${next.name} overlap`);
  }
}
