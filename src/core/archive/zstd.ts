/**
 * A zstd decoder that stops at the limit. fzstd decodes everything it is pushed in one call and
 * sizes its window from the frame header (up to 2 GiB, or the whole declared content for a
 * single-segment frame), so one 64 KiB push of RLE blocks could produce gigabytes (issue 10 A).
 * Here the frame and block headers (RFC 8878 section 3.1) are walked first: a frame asking for a
 * window over MAX_ZSTD_WINDOW_BYTES is refused before any allocation, and fzstd is handed one
 * block at a time (at most 128 KiB out), metered, with back-pressure between blocks.
 */
import { Decompress } from 'fzstd';
import { MAX_ZSTD_WINDOW_BYTES } from '../limits.js';
import { bombError, type ExpansionMeter } from './limits.js';

const FRAME_MAGIC = 0xfd2fb528;
const MAX_BLOCK_BYTES = 128 * 1024;

/** A FIFO of input chunks that hands out exact byte counts. */
class ByteQueue {
  private chunks: Buffer[] = [];
  length = 0;
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }
  peek(n: number): Buffer {
    if (this.chunks[0] && this.chunks[0].length >= n) return this.chunks[0].subarray(0, n);
    return Buffer.concat(this.chunks).subarray(0, n);
  }
  take(n: number): Buffer {
    const head = this.peek(n);
    let left = n;
    while (left > 0) {
      const first = this.chunks[0]!;
      if (first.length <= left) {
        this.chunks.shift();
        left -= first.length;
      } else {
        this.chunks[0] = first.subarray(left);
        left = 0;
      }
    }
    this.length -= n;
    return head;
  }
}

type Unit = { kind: 'feed' | 'drop'; bytes: number; last?: boolean; checksum?: boolean };

/**
 * Size the next unit (a frame header, a block, a checksum, a skippable frame) from the bytes in
 * `q`, or return undefined when more input is needed. Throws on data that is not zstd or asks
 * for more than the limits.
 */
function nextUnit(
  q: ByteQueue,
  state: { inFrame: boolean; checksum: boolean },
  what: string,
): Unit | undefined {
  if (!state.inFrame) {
    if (q.length < 4) return undefined;
    const magic = q.peek(4).readUInt32LE(0);
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      if (q.length < 8) return undefined;
      return { kind: 'drop', bytes: 8 + q.peek(8).readUInt32LE(4) }; // a skippable frame
    }
    if (magic !== FRAME_MAGIC) throw new Error('it is not zstd data (bad frame magic)');
    if (q.length < 5) return undefined;
    const fhd = q.peek(5)[4]!;
    const fcsFlag = fhd >> 6;
    const single = (fhd & 0x20) !== 0;
    if (fhd & 0x08) throw new Error('a frame header has its reserved bit set');
    const didBytes = [0, 1, 2, 4][fhd & 3]!;
    const fcsBytes = [single ? 1 : 0, 2, 4, 8][fcsFlag]!;
    const size = 5 + (single ? 0 : 1) + didBytes + fcsBytes;
    if (q.length < size) return undefined;
    const header = q.peek(size);
    if (didBytes && header.readUIntLE(5 + (single ? 0 : 1), didBytes) !== 0)
      throw new Error('a frame needs a dictionary, which distseal cannot use');
    let window: number;
    if (single) {
      const at = 5 + didBytes;
      window =
        fcsBytes === 8
          ? Number(header.readBigUInt64LE(at))
          : header.readUIntLE(at, fcsBytes) + (fcsBytes === 2 ? 256 : 0);
    } else {
      const wd = header[5]!;
      const base = 2 ** (10 + (wd >> 3));
      window = base + (base / 8) * (wd & 7);
    }
    if (window > MAX_ZSTD_WINDOW_BYTES)
      throw bombError(
        what,
        `a zstd frame asks for a ${window}-byte window (the limit is ${MAX_ZSTD_WINDOW_BYTES})`,
      );
    state.inFrame = true;
    state.checksum = (fhd & 0x04) !== 0;
    return { kind: 'feed', bytes: size };
  }
  if (q.length < 3) return undefined;
  const h = q.peek(3).readUIntLE(0, 3);
  const type = (h >> 1) & 3;
  const size = h >>> 3;
  if (type === 3) throw new Error('a block has the reserved type');
  if (size > MAX_BLOCK_BYTES) throw new Error(`a block claims ${size} bytes (at most ${MAX_BLOCK_BYTES})`);
  const last = (h & 1) === 1;
  return { kind: 'feed', bytes: 3 + (type === 1 ? 1 : size), last, checksum: last && state.checksum };
}

/** Decode a zstd stream (one or several frames) from `input`, metered by `meter`. */
export async function* unzstdChunks(
  input: AsyncIterable<Buffer>,
  meter: ExpansionMeter,
  what: string,
): AsyncGenerator<Buffer> {
  let ready: Buffer[] = [];
  const decoder = new Decompress((data) => {
    if (data.length === 0) return;
    meter.output(data.length);
    ready.push(Buffer.from(data)); // copy: fzstd reuses its window
  });
  const q = new ByteQueue();
  const state = { inFrame: false, checksum: false };
  let received = 0;
  let pendingChecksum = false;
  let skip = 0; // bytes of a skippable frame still to drop, as they arrive
  for await (const raw of input) {
    const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw as Uint8Array);
    q.push(chunk);
    received += chunk.length;
    for (;;) {
      if (skip > 0) {
        const n = Math.min(skip, q.length);
        q.take(n);
        meter.input(n);
        skip -= n;
        if (skip > 0) break;
      }
      let unit: Unit | undefined;
      if (pendingChecksum) unit = q.length >= 4 ? { kind: 'feed', bytes: 4 } : undefined;
      else unit = nextUnit(q, state, what);
      if (!unit) break;
      if (unit.kind === 'drop') {
        skip = unit.bytes;
        continue;
      }
      if (q.length < unit.bytes) break;
      const bytes = q.take(unit.bytes);
      meter.input(bytes.length); // counted as consumed, so the ratio is judged block by block
      decoder.push(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
      if (pendingChecksum) {
        pendingChecksum = false;
        state.inFrame = false;
      } else if (unit.last) {
        if (unit.checksum) pendingChecksum = true;
        else state.inFrame = false;
      }
      const out = ready;
      ready = [];
      for (const piece of out) yield piece;
    }
  }
  if (received === 0) throw new Error('it is empty');
  if (state.inFrame || pendingChecksum || skip > 0 || q.length > 0)
    throw new Error('the data ends in the middle of a frame');
  decoder.push(new Uint8Array(0), true); // fzstd holds back frames shorter than 18 bytes until told the end
  for (const piece of ready) yield piece;
}
