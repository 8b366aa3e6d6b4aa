/**
 * A bzip2 decoder that stops at the limit. unbzip2-stream's own stream wrapper decodes every
 * block it holds in one go into a JS array, so a kilobyte of input became gigabytes before any
 * bound saw it (issue 10 A). Here its block decoder (lib/bzip2.js, used as a library) is driven
 * one block at a time: each output byte lands in a 64 KiB buffer that is handed to the
 * ExpansionMeter as it fills (which throws at the limit, mid-block), and the next block is only
 * decoded once the consumer asked for more (back-pressure between blocks).
 */
import { createRequire } from 'node:module';
import type { ExpansionMeter } from './limits.js';

const require = createRequire(import.meta.url);

type BitReader = ((n: number | null) => number) & { bytesRead: number };
interface BlockDecoder {
  header(bits: BitReader): number;
  decompress(
    bits: BitReader,
    sink: (byte: number) => void,
    buf: Int32Array,
    bufsize: number,
    streamCRC: number | null,
  ): number | null;
}

const bz2 = require('unbzip2-stream/lib/bzip2') as BlockDecoder;
const bitIterator = require('unbzip2-stream/lib/bit_iterator') as (
  next: () => Uint8Array | undefined,
) => BitReader;

const OUT_CHUNK = 64 * 1024;
/** A compressed block is at most its block size (100k-900k) plus Huffman tables; keep that much ahead. */
const lookahead = (blockSize: number): number => (blockSize ? 25_000 + 100_000 * blockSize : 4);

/** Decode a bzip2 stream (one or several concatenated) from `input`, metered by `meter`. */
export async function* bunzip2Chunks(
  input: AsyncIterable<Buffer>,
  meter: ExpansionMeter,
): AsyncGenerator<Buffer> {
  const queue: Buffer[] = [];
  const source = input[Symbol.asyncIterator]();
  let received = 0;
  let ended = false;
  let reader: BitReader | undefined;
  // The bit reader takes its first buffer when made: make it once input is there.
  const bits = (): BitReader =>
    (reader ??= bitIterator(() => {
      const next = queue.shift();
      if (next === undefined) throw new Error('the data ends in the middle of a block');
      return next;
    }));
  const consumed = (): number => reader?.bytesRead ?? 0;
  let blockSize = 0;
  let streamCRC: number | null = null;
  let work: Int32Array | undefined;
  let out = Buffer.allocUnsafe(OUT_CHUNK);
  let used = 0;
  let ready: Buffer[] = [];
  const sink = (byte: number): void => {
    out[used++] = byte;
    if (used === OUT_CHUNK) {
      // A block's bits are all read before its first byte comes out, so the ratio is judged
      // against what was consumed, not what was buffered ahead.
      meter.consumedInput(consumed());
      meter.output(used); // throws at the limit, in the middle of the block
      ready.push(out);
      out = Buffer.allocUnsafe(OUT_CHUNK);
      used = 0;
    }
  };
  for (;;) {
    while (!ended && received - consumed() < lookahead(blockSize)) {
      const next = await source.next();
      if (next.done) ended = true;
      else {
        const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
        queue.push(chunk);
        received += chunk.length;
      }
    }
    if (received - consumed() <= 0) break;
    if (!blockSize) {
      blockSize = bz2.header(bits());
      streamCRC = 0;
      if (!work || work.length < 100_000 * blockSize) work = new Int32Array(100_000 * blockSize);
      continue;
    }
    streamCRC = bz2.decompress(bits(), sink, work!, 100_000 * blockSize, streamCRC);
    if (streamCRC === null) blockSize = 0; // end of this stream; another may follow
    if (used > 0) {
      meter.consumedInput(consumed());
      meter.output(used);
      ready.push(Buffer.from(out.subarray(0, used)));
      used = 0;
    }
    const chunks = ready;
    ready = [];
    for (const chunk of chunks) yield chunk;
  }
  if (received === 0) throw new Error('it is empty');
  if (blockSize) throw new Error('the data ends before the end-of-stream marker');
}
