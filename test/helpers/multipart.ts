import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** One parsed part: its headers (lowercased names), and for text fields the value. */
export interface Part {
  name: string;
  filename?: string;
  headers: Record<string, string>;
  /** Text value for small parts (< 1 MiB); files keep only `data` when under `keepBytes`. */
  value?: string;
  data?: Buffer;
  size: number;
  md5: string;
  sha256: string;
}

/**
 * A streaming multipart/form-data parser for the fake servers: files are hashed on the fly and
 * never buffered beyond `keepBytes`, so the bench can push 1 GiB through a fake server.
 */
export async function parseMultipart(req: IncomingMessage, keepBytes = 16 << 20): Promise<Part[]> {
  const type = req.headers['content-type'] ?? '';
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(type);
  if (!/^multipart\/form-data/i.test(type) || !m) throw new Error(`not multipart/form-data: ${type}`);
  const delimiter = Buffer.from(`\r\n--${m[1] ?? m[2]}`);
  const parts: Part[] = [];
  let buf: Buffer = Buffer.from('\r\n');
  let state: 'preamble' | 'after' | 'headers' | 'body' | 'done' = 'preamble';
  let current:
    | {
        headers: Record<string, string>;
        chunks: Buffer[];
        size: number;
        md5: ReturnType<typeof createHash>;
        sha: ReturnType<typeof createHash>;
      }
    | undefined;
  const emit = (chunk: Buffer) => {
    if (!current || chunk.length === 0) return;
    current.md5.update(chunk);
    current.sha.update(chunk);
    if (current.size + chunk.length <= keepBytes) current.chunks.push(chunk);
    current.size += chunk.length;
  };
  const finish = () => {
    if (!current) return;
    const disposition = current.headers['content-disposition'] ?? '';
    const name = /\bname="([^"]*)"/.exec(disposition)?.[1] ?? '';
    const filename = /\bfilename="([^"]*)"/.exec(disposition)?.[1];
    const data = current.size <= keepBytes ? Buffer.concat(current.chunks) : undefined;
    parts.push({
      name,
      filename,
      headers: current.headers,
      data,
      value: filename === undefined && data ? data.toString('utf8') : undefined,
      size: current.size,
      md5: current.md5.digest('base64'),
      sha256: current.sha.digest('hex'),
    });
    current = undefined;
  };
  const step = (): boolean => {
    switch (state) {
      case 'preamble': {
        const i = buf.indexOf(delimiter);
        if (i < 0) return false;
        buf = buf.subarray(i + delimiter.length);
        state = 'after';
        return true;
      }
      case 'after': {
        if (buf.length < 2) return false;
        const two = buf.subarray(0, 2).toString();
        buf = buf.subarray(2);
        state = two === '--' ? 'done' : 'headers';
        if (two !== '--' && two !== '\r\n') throw new Error('bad multipart delimiter');
        return true;
      }
      case 'headers': {
        const i = buf.indexOf('\r\n\r\n');
        if (i < 0) return false;
        const headers: Record<string, string> = {};
        for (const line of buf.subarray(0, i).toString('utf8').split('\r\n')) {
          const c = line.indexOf(':');
          if (c > 0) headers[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
        }
        current = { headers, chunks: [], size: 0, md5: createHash('md5'), sha: createHash('sha256') };
        buf = buf.subarray(i + 4);
        state = 'body';
        return true;
      }
      case 'body': {
        const i = buf.indexOf(delimiter);
        if (i >= 0) {
          emit(buf.subarray(0, i));
          finish();
          buf = buf.subarray(i + delimiter.length);
          state = 'after';
          return true;
        }
        const keep = delimiter.length - 1;
        if (buf.length > keep) {
          emit(Buffer.from(buf.subarray(0, buf.length - keep)));
          buf = Buffer.from(buf.subarray(buf.length - keep));
        }
        return false;
      }
      default:
        return false;
    }
  };
  for await (const chunk of req) {
    buf = buf.length ? Buffer.concat([buf, chunk as Buffer]) : (chunk as Buffer);
    while (step());
  }
  if ((state as string) !== 'done') throw new Error('multipart body ended early');
  return parts;
}
