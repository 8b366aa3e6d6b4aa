/**
 * The multipart/form-data body for one upload, streamed with a known Content-Length (form-data
 * with `knownLength`). Part headers are written out exactly as twine's encoder writes them
 * (specs/pypi-upload.md §1 "Part headers"): text fields carry only Content-Disposition;
 * `gpg_signature` has filename `<dist>.asc` and no Content-Type; `content` comes last with the
 * dist's filename and `application/octet-stream`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import FormData from 'form-data';
import type { FormField } from './fields.js';

export interface MultipartInput {
  fields: FormField[];
  /** The dist to send as `content`. */
  file: string;
  size: number;
  /** The armored signature to send as `gpg_signature` (non-PyPI indexes only). */
  signature?: Buffer;
  /** Receives the sha256 (hex) of the bytes actually streamed, once the file part has been read to the end. */
  onContentDigest?: (sha256: string) => void;
}

export interface MultipartBody {
  headers: Record<string, string>;
  length: number;
  stream: NodeJS.ReadableStream;
}

/** twine's encoder uses a 32-hex-digit boundary; so do we. */
export function newBoundary(): string {
  return randomBytes(16).toString('hex');
}

const quote = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r|\n/g, ' ');

/** Build a fresh body (call again for each retry, with the same boundary: a stream is read only once). */
export function multipartBody(input: MultipartInput, boundary = newBoundary()): MultipartBody {
  return buildForm(input, boundary, false);
}

/** The headers (type with boundary, exact Content-Length) of the body `multipartBody` would build, without opening the file. */
export function multipartHeaders(input: MultipartInput, boundary: string): Record<string, string> {
  const body = buildForm(input, boundary, true);
  return body.headers;
}

function buildForm(input: MultipartInput, boundary: string, dry: boolean): MultipartBody {
  const form = new FormData();
  form.setBoundary(boundary);
  const base = path.basename(input.file);
  for (const f of input.fields) {
    form.append(f.name, f.value, {
      header: `--${boundary}\r\nContent-Disposition: form-data; name="${quote(f.name)}"\r\n\r\n`,
    });
  }
  if (input.signature) {
    form.append('gpg_signature', input.signature, {
      header: `--${boundary}\r\nContent-Disposition: form-data; name="gpg_signature"; filename="${quote(base)}.asc"\r\n\r\n`,
      knownLength: input.signature.length,
    });
  }
  let content: NodeJS.ReadableStream;
  if (dry) {
    content = Readable.from([]);
  } else {
    const hashing = new HashingGuard(input.size, input.file, input.onContentDigest);
    content = createReadStream(input.file, { highWaterMark: 1 << 20 })
      .on('error', (e) => hashing.destroy(e))
      .pipe(hashing);
  }
  form.append('content', content, {
    header: `--${boundary}\r\nContent-Disposition: form-data; name="content"; filename="${quote(base)}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    knownLength: input.size,
  });
  return {
    headers: {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(form.getLengthSync()),
    },
    length: form.getLengthSync(),
    stream: form,
  };
}

/**
 * Hashes the file bytes on their way into the request (sha256 only: native, and enough to tell
 * that the file changed) and refuses to send more or fewer bytes than the Content-Length
 * promised (a file that grew or shrank during upload).
 */
class HashingGuard extends Transform {
  private readonly sha = createHash('sha256');
  private size = 0;
  constructor(
    private readonly expected: number,
    private readonly file: string,
    private readonly done?: (sha256: string) => void,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.sha.update(chunk);
    this.size += chunk.length;
    if (this.size > this.expected) {
      callback(
        Object.assign(new Error(`${this.file} grew while it was being uploaded`), { code: 'E_FILE_CHANGED' }),
      );
      return;
    }
    callback(null, chunk);
  }
  override _flush(callback: TransformCallback): void {
    if (this.size !== this.expected) {
      callback(
        Object.assign(new Error(`${this.file} shrank while it was being uploaded`), {
          code: 'E_FILE_CHANGED',
        }),
      );
      return;
    }
    this.done?.(this.sha.digest('hex'));
    callback();
  }
}
