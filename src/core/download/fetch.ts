/**
 * GETs for consumers (opened by open-url.ts): every body bounded while it is read, retries on 5xx
 * and broken connections (the same rule and backoff as src/core/net/http.ts).
 */
import { createHash, type Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpError } from '../errors.js';
import { silentLogger } from '../logger.js';
import { DEFAULT_RETRY, maskUrl } from '../net/http.js';
import { isTransientError } from '../net/network-error.js';
import { openUrl, type FetchOptions } from './open-url.js';

/** Run `attempt` with retries on 5xx (HttpError with a status) and broken connections. */
export async function withRetries<T>(
  what: string,
  options: FetchOptions,
  attempt: () => Promise<T>,
): Promise<T> {
  const retries = options.retries ?? DEFAULT_RETRY.retries;
  const base = options.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const logger = options.logger ?? silentLogger;
  for (let n = 0; ; n += 1) {
    try {
      return await attempt();
    } catch (error) {
      const retryable =
        error instanceof HttpError &&
        ((error.status !== undefined && error.status >= 500) ||
          (error.status === undefined && isTransientError(error)));
      if (!retryable || n >= retries) throw error;
      const delay = Math.round(Math.random() * Math.min(DEFAULT_RETRY.maxDelayMs, base * 2 ** n));
      logger.warn(`${what} failed (${(error as Error).message}); retry ${n + 1} of ${retries}.`);
      await sleep(delay);
    }
  }
}

function statusError(url: string, status: number, message?: string): HttpError {
  return new HttpError(
    'E_HTTP_STATUS',
    `${maskUrl(url)} answered ${status}${message ? ` ${message}` : ''}.`,
    {
      status,
      url: maskUrl(url),
    },
  );
}

function tooLarge(url: string, limit: number): HttpError {
  return new HttpError(
    'E_TOO_LARGE',
    `${maskUrl(url)} sent more than ${limit} bytes; refused (a ${limit < 1 << 20 ? `${limit} B` : `${limit >> 20} MiB`} limit).`,
    { url: maskUrl(url) },
  );
}

export interface FetchedBytes {
  /** undefined for 404 and 410 (the server says there is no such file). */
  body?: Buffer;
  status: number;
  contentType: string;
  url: string;
}

/**
 * GET a small document into memory, refusing (not truncating) a body over `maxBytes`: the
 * stream is destroyed the moment the limit is passed, so an endless response costs nothing.
 */
export async function fetchBytes(
  url: string,
  maxBytes: number,
  options: FetchOptions = {},
): Promise<FetchedBytes> {
  return withRetries(`GET ${maskUrl(url)}`, options, async () => {
    const { response, url: final } = await openUrl(url, options);
    const status = response.statusCode ?? 0;
    const contentType = String(response.headers['content-type'] ?? '');
    if (status === 404 || status === 410) {
      response.resume();
      return { status, contentType, url: final };
    }
    if (status !== 200) {
      response.resume();
      throw statusError(final, status, response.statusMessage);
    }
    if (Number(response.headers['content-length'] ?? 0) > maxBytes) {
      response.destroy();
      throw tooLarge(final, maxBytes);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of response) {
        size += (chunk as Buffer).length;
        if (size > maxBytes) {
          response.destroy();
          throw tooLarge(final, maxBytes);
        }
        chunks.push(chunk as Buffer);
      }
    } catch (error) {
      if (error instanceof HttpError) throw error;
      throw new HttpError('E_NETWORK', `Reading ${maskUrl(final)} broke off: ${(error as Error).message}`, {
        cause: error,
        url: maskUrl(final),
      });
    }
    return { body: Buffer.concat(chunks), status, contentType, url: final };
  });
}

export interface FetchedFile {
  status: number;
  size: number;
  /** Lowercase hex digests of the bytes written, one per algorithm asked for (sha256 always). */
  digests: Record<string, string>;
  url: string;
}

export interface FetchFileOptions extends FetchOptions {
  /** Refuse a body larger than this. */
  maxBytes: number;
  /** Hash algorithms to compute while writing, besides sha256. */
  algorithms?: string[];
  /** Progress label (the file name). */
  label?: string;
}

/**
 * Stream a URL into `file` (created 0600, truncated on each retry), hashing while writing, so
 * memory stays at one chunk however big the file. 404/410 write nothing and return the status.
 */
export async function fetchToFile(
  url: string,
  file: string,
  options: FetchFileOptions,
): Promise<FetchedFile> {
  const algorithms = [...new Set(['sha256', ...(options.algorithms ?? [])])];
  return withRetries(`download of ${maskUrl(url)}`, options, async () => {
    const { response, url: final } = await openUrl(url, options);
    const status = response.statusCode ?? 0;
    if (status === 404 || status === 410) {
      response.resume();
      return { status, size: 0, digests: {}, url: final };
    }
    if (status !== 200) {
      response.resume();
      throw statusError(final, status, response.statusMessage);
    }
    const declared = Number(response.headers['content-length'] ?? NaN);
    if (declared > options.maxBytes) {
      response.destroy();
      throw tooLarge(final, options.maxBytes);
    }
    const hashes: Hash[] = algorithms.map((a) => createHash(a));
    let size = 0;
    const id = `download:${file}`;
    const label = options.label ?? maskUrl(final);
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > options.maxBytes) {
          done(tooLarge(final, options.maxBytes));
          return;
        }
        for (const h of hashes) h.update(chunk);
        options.logger?.progress?.({
          id,
          label,
          done: size,
          total: Number.isFinite(declared) ? declared : undefined,
        });
        done(null, chunk);
      },
    });
    try {
      await pipeline(response, meter, createWriteStream(file, { mode: 0o600 }));
    } catch (error) {
      if (error instanceof HttpError) throw error;
      throw new HttpError(
        'E_NETWORK',
        `Download of ${maskUrl(final)} broke off: ${(error as Error).message}`,
        {
          cause: error,
          url: maskUrl(final),
        },
      );
    }
    options.logger?.progress?.({ id, label, done: size, total: size, finished: true });
    const digests = Object.fromEntries(algorithms.map((a, i) => [a, hashes[i]!.digest('hex')]));
    return { status, size, digests, url: final };
  });
}
