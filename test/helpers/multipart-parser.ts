/**
 * A streaming multipart/form-data parser for the test index server: parts are delivered as
 * they arrive, so a 1 GiB upload is hashed and stored without being held in memory.
 */
import type { Readable } from 'node:stream';

export interface PartHeaders {
  name: string;
  filename?: string;
  contentType?: string;
  /** Every header line as received, lowercased names. */
  raw: Record<string, string>;
}

export interface PartSink {
  /** A new part begins. */
  start(headers: PartHeaders): void;
  data(chunk: Buffer): void;
  end(): void;
}

/** Parse `body` (boundary from the Content-Type) into `sink`. Rejects on malformed input. */
export async function parseMultipart(body: Readable, contentType: string, sink: PartSink): Promise<void> {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!m) throw new Error('no multipart boundary');
  const boundary = m[1] ?? m[2]!;
  const first = Buffer.from(`--${boundary}`);
  const delim = Buffer.from(`\r\n--${boundary}`);
  let buf: Buffer = Buffer.alloc(0);
  let state = 'preamble' as 'preamble' | 'headers' | 'body' | 'done';
  const step = (): boolean => {
    if (state === 'preamble') {
      const i = buf.indexOf(first);
      if (i < 0) return false;
      buf = buf.subarray(i + first.length);
      state = 'headers';
      return true;
    }
    if (state === 'headers') {
      if (buf.length < 2) return false;
      if (buf.subarray(0, 2).toString() === '--') {
        state = 'done';
        return false;
      }
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return false;
      const lines = buf.subarray(0, end).toString('utf8').split('\r\n').filter(Boolean);
      buf = buf.subarray(end + 4);
      const raw: Record<string, string> = {};
      for (const line of lines) {
        const c = line.indexOf(':');
        if (c > 0) raw[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
      }
      const disp = raw['content-disposition'] ?? '';
      const name = /\bname="([^"]*)"/.exec(disp)?.[1];
      if (name === undefined) throw new Error('a part without a name');
      const filename = /\bfilename="([^"]*)"/.exec(disp)?.[1];
      sink.start({ name, filename, contentType: raw['content-type'], raw });
      state = 'body';
      return true;
    }
    if (state === 'body') {
      const i = buf.indexOf(delim);
      if (i >= 0) {
        if (i > 0) sink.data(buf.subarray(0, i));
        sink.end();
        buf = buf.subarray(i + delim.length);
        state = 'headers';
        return true;
      }
      const safe = buf.length - delim.length;
      if (safe > 0) {
        sink.data(Buffer.from(buf.subarray(0, safe)));
        buf = buf.subarray(safe);
      }
      return false;
    }
    return false;
  };
  for await (const chunk of body) {
    buf = buf.length ? Buffer.concat([buf, chunk as Buffer]) : (chunk as Buffer);
    while (step());
  }
  if (state !== 'done') throw new Error('truncated multipart body');
}
