import { Duplex, PassThrough, Readable } from 'node:stream';
import zlib from 'node:zlib';
import { DistsealError } from '../errors.js';
import { bunzip2Chunks } from './bzip2.js';
import { corruptError, ExpansionMeter, resolveLimits, type ArchiveLimits } from './limits.js';
import { unzstdChunks } from './zstd.js';

export type CompressionFormat = 'gzip' | 'bzip2' | 'zstd';

/**
 * Decompress `input` as a stream, bounded while it decodes: the result errors with
 * E_ARCHIVE_BOMB the moment more than `maxTotalBytes` came out or the output outgrew `maxRatio`
 * times the input (past RATIO_GRACE_BYTES), and with E_ARCHIVE_CORRUPT (naming `what`) on invalid
 * or truncated data. Decoding follows the reader (back-pressure), so memory stays flat however
 * much the input expands. Destroying the result early (having read what you needed) stops
 * reading the input.
 */
export function decompress(
  input: Readable,
  format: CompressionFormat,
  what: string,
  limits?: Partial<ArchiveLimits>,
): Readable {
  const meter = new ExpansionMeter(what, resolveLimits(limits));
  async function* run(): AsyncGenerator<Buffer> {
    try {
      if (format === 'gzip') yield* gunzipChunks(input, meter);
      else if (format === 'bzip2') yield* bunzip2Chunks(counted(input), meter);
      else yield* unzstdChunks(counted(input), meter, what);
    } catch (error) {
      throw mapError(error, what, format);
    } finally {
      input.destroy(); // done, failed, or the reader stopped early: stop reading the file
    }
  }
  return Readable.from(run(), { objectMode: false });
}

async function* counted(input: Readable): AsyncGenerator<Buffer> {
  for await (const chunk of input) yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
}

/** zlib's gunzip follows back-pressure itself; the meter sees what it consumed and produced. */
async function* gunzipChunks(input: Readable, meter: ExpansionMeter): AsyncGenerator<Buffer> {
  const gunzip = zlib.createGunzip();
  input.on('error', (error) => gunzip.destroy(error));
  input.pipe(gunzip);
  try {
    for await (const chunk of gunzip) {
      meter.input(gunzip.bytesWritten - meter.inputBytes);
      meter.output((chunk as Buffer).length);
      yield chunk as Buffer;
    }
  } finally {
    input.unpipe(gunzip);
    gunzip.destroy();
  }
}

function mapError(error: unknown, what: string, format: string): Error {
  if (error instanceof DistsealError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return corruptError(what, `its ${format} data is invalid or truncated (${message})`, error);
}

/**
 * The same bounded decoders as Duplex streams (compressed in, plain out), for callers that
 * prefer `source.pipe(unzstd(what))`. Errors (corrupt, bomb) surface on the returned stream.
 */
export function gunzip(what: string, limits?: Partial<ArchiveLimits>): Duplex {
  return asDuplex('gzip', what, limits);
}

export function bunzip2(what: string, limits?: Partial<ArchiveLimits>): Duplex {
  return asDuplex('bzip2', what, limits);
}

export function unzstd(what: string, limits?: Partial<ArchiveLimits>): Duplex {
  return asDuplex('zstd', what, limits);
}

function asDuplex(format: CompressionFormat, what: string, limits?: Partial<ArchiveLimits>): Duplex {
  const input = new PassThrough();
  const output = decompress(input, format, what, limits);
  const duplex = Duplex.from({ writable: input, readable: output });
  output.on('error', (error) => duplex.destroy(error));
  return duplex;
}
