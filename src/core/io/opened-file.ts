import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { Logger } from '../logger.js';
import { wrapFsError } from './atomic.js';
import {
  fileWebStream,
  hashFileHandle,
  notAFile,
  openError,
  openRegularFile,
  PROGRESS_MIN_BYTES,
} from './file-stream.js';
import { READ_CHUNK_BYTES, returnReadBuffer, takeReadBuffer } from './read-buffers.js';
import type { HashSink } from './prehashed.js';

interface ReadOptions {
  logger?: Logger;
  label?: string;
}

/** A regular file opened for one verification: hashed once (feed), or streamed to openpgp.js. */
export interface OpenedFile {
  size: number;
  /** Read to the end once, feeding every sink. */
  feed(sinks: HashSink[], options?: ReadOptions): Promise<void>;
  /** A web stream over the file (openpgp.js's own streaming path). */
  stream(options?: ReadOptions): ReadableStream<Uint8Array>;
  close(): Promise<void>;
}

/**
 * Open `file` for reading, with the errors of openRegularFile (missing, not a regular file, ...).
 *
 * `blocking`: read with blocking calls on this thread instead of libuv's thread pool. Only for a
 * thread that has nothing else to do meanwhile (verify DIR's workers): each thread-pool round
 * trip costs far more than the read of a small file itself (open, stat, read, read, close made
 * about 40% of verifying a 2 KB file), while a blocking read of it takes microseconds. The file is
 * opened with O_NONBLOCK so that a FIFO put in a file's place fails as "not a regular file"
 * instead of blocking the thread; a regular file's reads are not affected by that flag.
 */
export async function openForReading(file: string, blocking = false): Promise<OpenedFile> {
  if (!blocking) {
    const { handle, size } = await openRegularFile(file);
    const read = (options: ReadOptions = {}) => ({ size, ...options });
    return {
      size,
      feed: (sinks, options) => hashFileHandle(handle, file, sinks, read(options)),
      stream: (options) => fileWebStream(handle, file, read(options)),
      close: () => handle.close().catch(() => undefined),
    };
  }
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw openError(error, file);
  }
  let size: number;
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw notAFile(file);
    size = stat.size;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  let closed = false;
  return {
    size,
    feed: async (sinks, options = {}) => feedBlocking(fd, file, sinks, { size, ...options }),
    stream: () => streamBlocking(fd, file),
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        closeSync(fd);
      } catch {
        /* as FileHandle.close().catch(): nothing to do about it */
      }
    },
  };
}

function readBlocking(fd: number, file: string, buffer: Buffer): number {
  try {
    return readSync(fd, buffer, 0, buffer.length, null);
  } catch (error) {
    throw wrapFsError(error, file, 'read');
  }
}

/** hashFileHandle with blocking reads through one pooled buffer. */
function feedBlocking(
  fd: number,
  file: string,
  sinks: HashSink[],
  options: ReadOptions & { size: number },
): void {
  const progress =
    options.size >= PROGRESS_MIN_BYTES ? options.logger?.progress?.bind(options.logger) : undefined;
  const label = options.label ?? file;
  const buffer = takeReadBuffer();
  let done = 0;
  try {
    for (;;) {
      const bytesRead = readBlocking(fd, file, buffer);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      for (const sink of sinks) sink.update(chunk);
      done += bytesRead;
      progress?.({ id: file, label, done, total: options.size });
    }
  } finally {
    returnReadBuffer(buffer);
  }
  progress?.({ id: file, label, done, total: options.size, finished: true });
}

/** fileWebStream with blocking reads (each chunk its own buffer: the stream's reader keeps it). */
function streamBlocking(fd: number, file: string): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
        let bytesRead: number;
        try {
          bytesRead = readBlocking(fd, file, buffer);
        } catch (error) {
          controller.error(error);
          return;
        }
        if (bytesRead === 0) controller.close();
        else controller.enqueue(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
      },
    },
    { highWaterMark: 1 },
  );
}
