import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Logger } from '../logger.js';
import { fileWebStream, openRegularFile } from './file-stream.js';

/** The sha256 of a regular file, hex, streamed through the shared read path (progress on `logger`). */
export async function sha256File(file: string, logger?: Logger): Promise<string> {
  const { handle, size } = await openRegularFile(file);
  try {
    const hash = createHash('sha256');
    const reader = fileWebStream(handle, file, {
      size,
      logger,
      label: `sha256 ${path.basename(file)}`,
    }).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      hash.update(value);
    }
    return hash.digest('hex');
  } finally {
    await handle.close().catch(() => undefined);
  }
}
