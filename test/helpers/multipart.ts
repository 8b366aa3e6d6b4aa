import { createHash, type Hash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { parseMultipart as parseParts, type PartHeaders } from './multipart-parser.js';

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
 * Collect a multipart/form-data request into parts for the fake servers, through the one
 * streaming parser (multipart-parser.ts): files are hashed on the fly and never buffered beyond
 * `keepBytes`, so the bench can push 1 GiB through a fake server.
 */
export async function parseMultipart(req: IncomingMessage, keepBytes = 16 << 20): Promise<Part[]> {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(type)) throw new Error(`not multipart/form-data: ${type}`);
  const parts: Part[] = [];
  let current: { head: PartHeaders; chunks: Buffer[]; size: number; md5: Hash; sha: Hash } | undefined;
  await parseParts(req, type, {
    start(head) {
      current = { head, chunks: [], size: 0, md5: createHash('md5'), sha: createHash('sha256') };
    },
    data(chunk) {
      if (!current) return;
      current.md5.update(chunk);
      current.sha.update(chunk);
      if (current.size + chunk.length <= keepBytes) current.chunks.push(chunk);
      current.size += chunk.length;
    },
    end() {
      if (!current) return;
      const { head } = current;
      const data = current.size <= keepBytes ? Buffer.concat(current.chunks) : undefined;
      parts.push({
        name: head.name,
        filename: head.filename,
        headers: head.raw,
        data,
        value: head.filename === undefined && data ? data.toString('utf8') : undefined,
        size: current.size,
        md5: current.md5.digest('base64'),
        sha256: current.sha.digest('hex'),
      });
      current = undefined;
    },
  });
  return parts;
}
