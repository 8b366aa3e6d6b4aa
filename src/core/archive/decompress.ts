import { createRequire } from 'node:module';
import { Duplex, PassThrough, pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import { DistsealError } from '../errors.js';
import { ByteBound, corruptError, resolveLimits, type ArchiveLimits } from './limits.js';

const require = createRequire(import.meta.url);

export type CompressionFormat = 'gzip' | 'bzip2' | 'zstd';

/**
 * Decompress `input` as a stream, bounded: the result errors with E_ARCHIVE_BOMB once more than
 * `maxTotalBytes` came out or the output outgrew `maxRatio` times the input, and with
 * E_ARCHIVE_CORRUPT (naming `what`) on invalid or truncated data. Destroying the result early
 * (having read what you needed) stops reading the input.
 */
export function decompress(
  input: Readable,
  format: CompressionFormat,
  what: string,
  limits?: Partial<ArchiveLimits>,
): Readable {
  const l = resolveLimits(limits);
  let inputBytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, callback) {
      inputBytes += chunk.length;
      callback(null, chunk);
    },
  });
  const bound = new ByteBound(what, l.maxTotalBytes, () => inputBytes, l.maxRatio);
  const out = new PassThrough();
  let finished = false;
  pipeline(input, counter, decoderFor(format), bound, (error) => {
    finished = true;
    if (error && !out.destroyed) out.destroy(mapError(error, what, format));
  });
  bound.pipe(out);
  out.on('close', () => {
    if (!finished) input.destroy(); // the reader stopped early: stop the whole chain
  });
  return out;
}

function decoderFor(format: CompressionFormat): Duplex {
  switch (format) {
    case 'gzip':
      return zlib.createGunzip();
    case 'bzip2':
      return (require('unbzip2-stream') as () => Duplex)();
    case 'zstd':
      return new ZstdTransform();
  }
}

function mapError(error: Error, what: string, format: string): Error {
  if (error instanceof DistsealError) return error;
  return corruptError(what, `its ${format} data is invalid or truncated (${error.message})`, error);
}

/** fzstd's push-based streaming decoder as a Node Transform. */
class ZstdTransform extends Transform {
  private readonly decoder = new ZstdDecompress((data) => {
    this.push(Buffer.from(data)); // copy: fzstd may reuse its window buffer
  });

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    try {
      this.decoder.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.decoder.push(new Uint8Array(0), true);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }
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
