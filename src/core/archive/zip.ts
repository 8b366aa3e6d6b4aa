import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { DistsealError, errnoCode } from '../errors.js';
import { wrapFsError } from '../io/atomic.js';
import { bombError, ByteBound, corruptError, resolveLimits, type ArchiveLimits } from './limits.js';

/** One member of a zip archive, from the central directory. */
export interface ZipEntry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
  /** 0 stored, 8 deflate; anything else cannot be read. */
  compressionMethod: number;
  isDirectory: boolean;
  localHeaderOffset: number;
}

export interface ZipArchive {
  /** Every member, in central-directory order. */
  readonly entries: ZipEntry[];
  /** The whole member, at most `maxBytes` (default: the member limit); larger is an error. */
  readEntry(name: string, maxBytes?: number): Promise<Buffer>;
  /** The member as a stream, bounded by the limits (declared and actual size, ratio). */
  openEntry(name: string): Promise<Readable>;
  close(): Promise<void>;
}

/**
 * Open a zip file by its central directory (random access, nothing extracted to disk). Refuses
 * archives with too many entries and members whose declared size or compression ratio is over
 * the limits; yauzl also checks each member's actual size against its declared size.
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
  try {
    if (zip.entryCount > limits.maxEntries)
      throw bombError(file, `it lists ${zip.entryCount} members (the limit is ${limits.maxEntries})`);
    for await (const entry of zip.eachEntry()) {
      const name = entry.fileName;
      const info: ZipEntry = {
        name,
        compressedSize: entry.compressedSize,
        uncompressedSize: entry.uncompressedSize,
        compressionMethod: entry.compressionMethod,
        isDirectory: name.endsWith('/'),
        localHeaderOffset: entry.relativeOffsetOfLocalHeader,
      };
      if (!raw.has(name)) raw.set(name, entry);
      entries.push(info);
    }
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

  const openEntry = async (name: string, maxBytes = limits.maxMemberBytes): Promise<Readable> => {
    const entry = find(name);
    const what = `${file} (member ${name})`;
    if (entry.uncompressedSize > maxBytes)
      throw bombError(what, `it declares ${entry.uncompressedSize} bytes (the limit is ${maxBytes})`);
    if (
      entry.uncompressedSize > 1024 * 1024 &&
      entry.uncompressedSize / Math.max(1, entry.compressedSize) > limits.maxRatio
    ) {
      throw bombError(
        what,
        `it declares ${entry.uncompressedSize} bytes from ${entry.compressedSize} compressed`,
      );
    }
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
    const bound = new ByteBound(what, maxBytes);
    stream.on('error', (error) =>
      bound.destroy(error instanceof DistsealError ? error : corruptError(what, error.message, error)),
    );
    return stream.pipe(bound);
  };

  return {
    entries,
    openEntry: (name) => openEntry(name),
    async readEntry(name, maxBytes) {
      const stream = await openEntry(name, maxBytes ?? limits.maxMemberBytes);
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
    async close() {
      zip.close();
    },
  };
}
