import type { Hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ProgressEvent } from '../../logger.js';

/**
 * From this size on the full verifier reports its reading of a file (io/file-stream.ts
 * PROGRESS_MIN_BYTES; test/verify/fast/check.test.ts keeps the two equal), and so does the fast
 * path, with the same events.
 */
export const FAST_PROGRESS_MIN_BYTES = 16 << 20;

/**
 * Read size: measured on the development VM (bench/README.md, sign-verify), 128 KiB reads cost
 * the least CPU (the chunk is still in the core's cache when OpenSSL hashes it); 1 MiB and 4 MiB
 * cost a few percent more, and reads overlapped on libuv's pool cost more CPU still.
 */
const READ_BYTES = 128 << 10;
/** The full path's read size (io/read-buffers.ts READ_CHUNK_BYTES): one progress event per step. */
const PROGRESS_STEP = 1 << 20;

/** One buffer for the whole run: the fast path reads one file at a time. */
let buffer: Buffer | undefined;

/** Where progress goes: the full path's events for a file of FAST_PROGRESS_MIN_BYTES or more. */
export type ProgressSink = (event: ProgressEvent) => void;

/** The progress of one file, reported as the full path reports it (id, label, granularity). */
export interface FileProgress {
  /** An event for `done` bytes read so far. */
  at(done: number): void;
  /** The last event, sent by the caller only once the file verified (a doubt sends none). */
  finish(done: number): void;
}

/** The events hashFileHandle (io/file-stream.ts) sends for `file` of `size` bytes. */
export function fileProgress(file: string, size: number, sink: ProgressSink): FileProgress {
  const id = file;
  const label = `verify ${path.basename(file)}`;
  return {
    at: (done) => sink({ id, label, done, total: size }),
    finish: (done) => sink({ id, label, done, total: size, finished: true }),
  };
}

/**
 * Feed the open file `fd` to `hash` from its current position to its end, with blocking reads
 * through one reused buffer, and report progress at every PROGRESS_STEP bytes and at the end, as
 * the full path's 1 MiB reads do. Returns the number of bytes read.
 */
export function hashOpenFile(fd: number, hash: Hash, progress?: FileProgress): number {
  buffer ??= Buffer.allocUnsafeSlow(READ_BYTES);
  let done = 0;
  let reported = 0;
  for (;;) {
    const n = fs.readSync(fd, buffer, 0, READ_BYTES, null);
    if (n === 0) break;
    hash.update(n === READ_BYTES ? buffer : buffer.subarray(0, n));
    done += n;
    if (progress && done - reported >= PROGRESS_STEP) {
      reported += PROGRESS_STEP;
      progress.at(reported);
    }
  }
  if (progress && done !== reported) progress.at(done);
  return done;
}
