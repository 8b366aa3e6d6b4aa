import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { InputError } from '../errors.js';

/**
 * Read a whole stream into memory, refusing it the moment it passes `maxBytes` (so `/dev/zero`
 * or an endless pipe stops at the limit instead of filling memory). `what` names the input and
 * `limitName` the limit in the error (InputError E_TOO_LARGE, exit 2).
 */
export async function readStreamBounded(
  stream: AsyncIterable<unknown>,
  maxBytes: number,
  what: string,
  limitName: string,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    total += buf.length;
    if (total > maxBytes) {
      (stream as Partial<Readable>).destroy?.();
      throw new InputError('E_TOO_LARGE', `${what} is larger than ${maxBytes} bytes (${limitName}).`, {
        subject: what,
        hint: 'Check that you named the right file: no honest input of this kind is that large.',
      });
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** readStreamBounded over a file (also a device or a FIFO); fs errors are thrown as they come. */
export async function readFileBounded(file: string, maxBytes: number, limitName: string): Promise<Buffer> {
  const stream = createReadStream(file, { highWaterMark: 64 * 1024 });
  try {
    return await readStreamBounded(stream, maxBytes, file, limitName);
  } finally {
    stream.destroy();
  }
}
