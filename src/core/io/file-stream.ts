import { promises as fs } from 'node:fs';
import { errnoCode, InputError } from '../errors.js';
import { wrapFsError } from './atomic.js';
import type { Logger } from '../logger.js';
import { READ_CHUNK_BYTES, returnReadBuffer, takeReadBuffer } from './read-buffers.js';
/** Files smaller than this report no progress: they are done before a bar could be drawn. */
export const PROGRESS_MIN_BYTES = 16 << 20;

/**
 * A web ReadableStream over a file, read with explicit backpressure (one chunk per pull), so
 * memory stays constant whatever the size. openpgp.js 6 takes only web streams (spec section 1).
 * Reports byte progress through `logger.progress` when given.
 */
export function fileWebStream(
  handle: fs.FileHandle,
  file: string,
  options: { size?: number; logger?: Logger; label?: string } = {},
): ReadableStream<Uint8Array> {
  let done = 0;
  const progress =
    options.size === undefined || options.size >= PROGRESS_MIN_BYTES
      ? options.logger?.progress?.bind(options.logger)
      : undefined;
  const label = options.label ?? file;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        // allocUnsafe: no zero-fill (every byte handed on is overwritten by the read first).
        const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
        let bytesRead: number;
        try {
          ({ bytesRead } = await handle.read(buffer, 0, buffer.length, null));
        } catch (error) {
          controller.error(wrapFsError(error, file, 'read'));
          return;
        }
        if (bytesRead === 0) {
          progress?.({ id: file, label, done, total: options.size, finished: true });
          controller.close();
          return;
        }
        done += bytesRead;
        progress?.({ id: file, label, done, total: options.size });
        controller.enqueue(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
      },
    },
    { highWaterMark: 1 },
  );
}

/**
 * Read a file to the end once, feeding every hash, through two pooled buffers (read-buffers.ts):
 * the next chunk is read (on libuv's thread pool) while the hashes consume the current one on this
 * thread, so reading and hashing overlap instead of taking turns. The hashes consume each chunk
 * synchronously, so a buffer is refilled only after its chunk was hashed, and no buffer is
 * returned to the pool while a read into it is in flight. Progress as for fileWebStream.
 */
export async function hashFileHandle(
  handle: fs.FileHandle,
  file: string,
  hashes: Array<{ update(chunk: Uint8Array): unknown }>,
  options: { size?: number; logger?: Logger; label?: string } = {},
): Promise<void> {
  const progress =
    options.size === undefined || options.size >= PROGRESS_MIN_BYTES
      ? options.logger?.progress?.bind(options.logger)
      : undefined;
  const label = options.label ?? file;
  const buffers = [takeReadBuffer(), takeReadBuffer()] as const;
  const readInto = (buffer: Buffer) => handle.read(buffer, 0, buffer.length, null);
  let current = 0;
  let pending: Promise<{ bytesRead: number }> | undefined = readInto(buffers[0]);
  let done = 0;
  try {
    for (;;) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await pending);
      } catch (error) {
        pending = undefined;
        throw wrapFsError(error, file, 'read');
      }
      pending = undefined;
      if (bytesRead === 0) break;
      const chunk = buffers[current].subarray(0, bytesRead);
      current ^= 1;
      pending = readInto(buffers[current]);
      for (const hash of hashes) hash.update(chunk);
      done += bytesRead;
      progress?.({ id: file, label, done, total: options.size });
    }
  } finally {
    // A hash that threw leaves a read in flight: let it land before the buffers are reused.
    if (pending) await pending.catch(() => undefined);
    returnReadBuffer(buffers[0]);
    returnReadBuffer(buffers[1]);
  }
  progress?.({ id: file, label, done, total: options.size, finished: true });
}

/**
 * Open a regular file for reading, or throw an InputError naming it: missing files, directories
 * and devices are bad input (exit 2), not crashes.
 */
export async function openRegularFile(file: string): Promise<{ handle: fs.FileHandle; size: number }> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (error) {
    throw openError(error, file);
  }
  const stat = await handle.stat();
  if (!stat.isFile()) {
    await handle.close();
    throw notAFile(file);
  }
  return { handle, size: stat.size };
}

/** The error to throw when opening `file` for reading failed (shared with opened-file.ts). */
export function openError(error: unknown, file: string): Error {
  const code = errnoCode(error);
  if (code === 'ENOENT')
    return new InputError('E_NOT_FOUND', `${file} does not exist.`, {
      subject: file,
      hint: 'Check the path and try again.',
    });
  if (code === 'EISDIR') return notAFile(file);
  if (code === 'EACCES' || code === 'EPERM')
    return new InputError('E_UNREADABLE', `Cannot read ${file}: permission denied.`, {
      subject: file,
      hint: "Check the file's permissions.",
      cause: error,
    });
  return wrapFsError(error, file, 'open');
}

export function notAFile(file: string): InputError {
  return new InputError('E_NOT_A_FILE', `${file} is not a regular file.`, {
    subject: file,
    hint: 'Name the dist files themselves (a directory is not signed or verified as a whole).',
  });
}

/** Drain a web stream into nothing (openpgp.js only settles its promises once data was read). */
export async function drain(stream: ReadableStream<unknown>): Promise<void> {
  await stream.pipeTo(new WritableStream({ write: () => undefined }));
}

/** Read a string web stream (or a plain string) to its end. */
export async function readText(value: string | ReadableStream<string>): Promise<string> {
  if (typeof value === 'string') return value;
  const reader = value.getReader();
  let out = '';
  for (;;) {
    const { done, value: chunk } = await reader.read();
    if (done) return out;
    out += chunk;
  }
}
