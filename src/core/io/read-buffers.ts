/**
 * Read buffers reused across files. A 1 MiB buffer per file made verifying 10,000 small files
 * spend a sixth of its time in the garbage collector; a handful of buffers, handed out and
 * returned, make none. At most MAX_POOLED buffers are kept (the rest are left to the collector),
 * so the pool never grows with the number of files or their size.
 */

/** Read size per call: large enough for OpenSSL to hash at full speed, small enough to stay flat. */
export const READ_CHUNK_BYTES = 1 << 20;
/** Buffers kept for reuse: two per file in flight, for a few files at once. */
export const MAX_POOLED = 8;

const free: Buffer[] = [];

/** A READ_CHUNK_BYTES buffer whose contents are undefined (every byte used is read first). */
export function takeReadBuffer(): Buffer {
  return free.pop() ?? Buffer.allocUnsafeSlow(READ_CHUNK_BYTES);
}

/** Hand a buffer back. Only once no read into it is still in flight (the caller awaits that). */
export function returnReadBuffer(buffer: Buffer): void {
  if (buffer.length === READ_CHUNK_BYTES && free.length < MAX_POOLED && !free.includes(buffer))
    free.push(buffer);
}

/** How many buffers the pool holds now (tests). */
export function pooledReadBuffers(): number {
  return free.length;
}
