/**
 * `--update-db [URL]`: download newer advisory data (default: OSV's PyPI dump, a zip of one JSON
 * record per advisory), check that it parses into a non-empty database, and only then replace
 * the home's compact copy atomically. A failed, truncated or unparseable download leaves the
 * old data exactly as it was.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ensureDir, writeFileAtomic } from '../io/atomic.js';
import { HttpError, OperationalError } from '../errors.js';
import type { Logger } from '../logger.js';
import { maskUrl, requestWithRetry } from '../net/http.js';
import type { ProxyConfig } from '../net/proxy.js';
import { decodeCompact, encodeCompact, HOME_DB_NAME, type AdvisoryDatabase } from './database.js';
import { readOsvZip } from './osv-files.js';

export const DEFAULT_UPDATE_URL = 'https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip';
/** The PyPI dump is tens of MiB; refuse anything past this. */
export const MAX_DOWNLOAD_BYTES = 512 * 1024 * 1024;

export interface UpdateOptions {
  home: string;
  url?: string;
  logger?: Logger;
  timeoutMs?: number;
  retries?: number;
  maxBytes?: number;
  /** Proxies (HTTPS_PROXY, HTTP_PROXY, NO_PROXY as the CLI read them). */
  proxy?: ProxyConfig;
}

export interface UpdateResult {
  file: string;
  url: string;
  date: string;
  packages: number;
  advisories: number;
}

/** Download, parse, and atomically install advisory data into `home`. */
export async function updateDatabase(options: UpdateOptions): Promise<UpdateResult> {
  const url = options.url ?? DEFAULT_UPDATE_URL;
  const shown = maskUrl(url);
  const max = options.maxBytes ?? MAX_DOWNLOAD_BYTES;
  const response = await requestWithRetry(
    {
      method: 'GET',
      url,
      maxResponseBytes: max + 1,
      timeoutMs: options.timeoutMs ?? 120_000,
      proxy: options.proxy,
    },
    { logger: options.logger, describe: `download of ${shown}`, retries: options.retries },
  ).catch((error: unknown) => {
    if (!(error instanceof HttpError)) throw error;
    throw new HttpError(error.code, `${error.message} The advisory data was not changed.`, {
      cause: error,
      url: shown,
      status: error.status,
      hint: error.hint,
    });
  });
  if (response.status !== 200) {
    throw new HttpError(
      'E_UPDATE_DB',
      `Downloading ${shown} failed: ${response.status} ${response.statusText}. The advisory data was not changed.`,
      { status: response.status, url: shown },
    );
  }
  const bytes = response.bytes ?? Buffer.alloc(0);
  if (response.truncated || bytes.length > max) {
    throw new OperationalError(
      'E_UPDATE_DB',
      `${shown} is larger than ${max} bytes; the advisory data was not changed.`,
      { subject: shown },
    );
  }
  const length = Number(response.headers['content-length']);
  if (Number.isFinite(length) && length !== bytes.length) {
    throw new OperationalError(
      'E_UPDATE_DB',
      `The download of ${shown} broke off (${bytes.length} of ${length} bytes); the advisory data was not changed.`,
      { subject: shown },
    );
  }
  await ensureDir(options.home);
  let db: AdvisoryDatabase;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    db = decodeCompact(bytes, shown, shown); // a compact file (a mirror of ours)
  } else {
    const work = await mkdtemp(path.join(options.home, '.update-db-'));
    try {
      const zip = path.join(work, 'dump.zip');
      await writeFile(zip, bytes, { mode: 0o600 });
      db = await readOsvZip(zip, shown);
    } catch (error) {
      if (error instanceof OperationalError) {
        throw new OperationalError('E_UPDATE_DB', `${error.message} The advisory data was not changed.`, {
          subject: shown,
          cause: error,
          hint: error.hint,
        });
      }
      throw error;
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
  const advisories = [...db.packages.values()].reduce((n, l) => n + l.length, 0);
  if (advisories === 0)
    throw new OperationalError(
      'E_UPDATE_DB',
      `${shown} holds no PyPI advisories; the advisory data was not changed.`,
      { subject: shown },
    );
  const file = path.join(options.home, HOME_DB_NAME);
  await writeFileAtomic(file, encodeCompact({ meta: { ...db.meta, source: shown }, packages: db.packages }), {
    mode: 0o644,
  });
  return { file, url: shown, date: db.meta.date, packages: db.packages.size, advisories };
}
