import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { wrapFsError } from '../../io/atomic.js';
import { hashFileHandle } from '../../io/file-stream.js';
import type { Logger } from '../../logger.js';

/** What repodata, the anaconda.org stage call and the S3 form need, from one read of the file. */
export interface CondaDigests {
  /** Lowercase hex MD5 (repodata `md5`). */
  md5: string;
  /** Base64 of the raw 16-byte MD5 (S3 `Content-MD5`). */
  md5Base64: string;
  /** Lowercase hex SHA-256 (repodata `sha256`, anaconda.org stage `sha256`, prefix.dev `X-File-SHA256`). */
  sha256: string;
  size: number;
}

/** Files smaller than this hash in a blink; no progress is reported for them (no noise in batch runs). */
export const PROGRESS_MIN_BYTES = 16 << 20;

/**
 * Hash a file once, streaming (anaconda-client reads it three times; see specs/conda.md
 * section 2 "Digests"). Memory stays at two pooled read buffers whatever the file size
 * (io/file-stream.ts hashFileHandle): a 1 MiB stream buffer per file made `channel verify` of
 * 10,000 packages spend most of its time collecting garbage, more the more packages.
 */
export async function condaDigests(
  file: string,
  options: { logger?: Logger; label?: string } = {},
): Promise<CondaDigests> {
  const md5 = createHash('md5');
  const sha256 = createHash('sha256');
  let size = 0;
  const counter = {
    update(chunk: Uint8Array): void {
      size += chunk.length;
      if (size >= PROGRESS_MIN_BYTES)
        options.logger?.progress?.({
          id: `hash:${file}`,
          label: options.label ?? `hashing ${file}`,
          done: size,
        });
    },
  };
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw wrapFsError(error, file, 'read');
  }
  try {
    await hashFileHandle(handle, file, [md5, sha256, counter]);
  } finally {
    await handle.close().catch(() => undefined);
  }
  if (size >= PROGRESS_MIN_BYTES)
    options.logger?.progress?.({
      id: `hash:${file}`,
      label: options.label ?? `hashing ${file}`,
      done: size,
      total: size,
      finished: true,
    });
  const raw = md5.digest();
  return { md5: raw.toString('hex'), md5Base64: raw.toString('base64'), sha256: sha256.digest('hex'), size };
}
