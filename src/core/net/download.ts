import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpError, InputError } from '../errors.js';
import { DEFAULT_DOWNLOAD_DEADLINE_MS, DEFAULT_IDLE_TIMEOUT_MS, MAX_PACKAGE_BYTES } from '../limits.js';
import { routeTo } from './connect.js';
import { maskUrl } from './http.js';
import { USER_AGENT } from './user-agent.js';
import type { ProxyConfig } from './proxy.js';
import { nextHop } from './redirect.js';

export interface DownloadOptions {
  headers?: Record<string, string>;
  /** Redirects to follow (default 1: anaconda.org's /download answers 302 to S3). */
  maxRedirects?: number;
  /** Idle timeout: no byte for this long (default DEFAULT_IDLE_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Total time the whole download may take, redirects included (default DEFAULT_DOWNLOAD_DEADLINE_MS). */
  deadlineMs?: number;
  /** Refuse (and delete) the download once it passes this many bytes (default MAX_PACKAGE_BYTES). */
  maxBytes?: number;
  /** Names the limit in the error ("the .asc limit", "--max-repodata-size"). */
  limitName?: string;
  /** Proxies to use (HTTPS_PROXY, HTTP_PROXY, NO_PROXY as the CLI read them); none by default. */
  proxy?: ProxyConfig;
}

/**
 * Stream a URL into `dest` (never into memory). Follows at most `maxRedirects` redirects, and
 * drops the Authorization header when a redirect leaves the original host (the token must not
 * reach S3). Returns the HTTP status: 200 wrote the file, 404 wrote nothing. A body over
 * `maxBytes` (counted as it arrives, whatever Content-Length says) is cut off and deleted with
 * InputError E_DOWNLOAD_TOO_LARGE; a download still running at the deadline is cut off too.
 */
export async function downloadToFile(
  url: string,
  dest: string,
  options: DownloadOptions = {},
): Promise<number> {
  const deadlineMs = options.deadlineMs ?? DEFAULT_DOWNLOAD_DEADLINE_MS;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), deadlineMs);
  timer.unref?.();
  try {
    return await download(url, dest, options, controller.signal);
  } catch (error) {
    if (controller.signal.aborted && !(error instanceof InputError))
      throw new HttpError(
        'E_HTTP_TIMEOUT',
        `Download of ${maskUrl(url)} took longer than ${Math.round(deadlineMs / 1000)} s and was cut off.`,
        { cause: error, url: maskUrl(url), hint: 'Try again later, or on a faster link.' },
      );
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

async function download(url: string, dest: string, options: DownloadOptions, signal: AbortSignal) {
  let current = url;
  let headers: Record<string, string> = { 'user-agent': USER_AGENT, ...(options.headers ?? {}) };
  const maxBytes = options.maxBytes ?? MAX_PACKAGE_BYTES;
  for (let hop = 0; ; hop += 1) {
    const response = await get(
      current,
      headers,
      options.timeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
      signal,
      options.proxy,
    );
    const hopTo = nextHop(response, current, headers, hop < (options.maxRedirects ?? 1));
    if (hopTo) {
      ({ url: current, headers } = hopTo);
      continue;
    }
    const status = response.statusCode ?? 0;
    if (status !== 200) {
      response.resume();
      return status;
    }
    const masked = maskUrl(current);
    const tooLarge = () =>
      new InputError(
        'E_DOWNLOAD_TOO_LARGE',
        `${masked} sent more than ${maxBytes} bytes (${options.limitName ?? 'the download limit'}); the download was cut off.`,
        {
          subject: masked,
          hint: 'The server sends far more than such a file holds. Check the URL; do not trust this server.',
        },
      );
    const declared = Number(response.headers['content-length']);
    try {
      if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
      let seen = 0;
      const cap = new Transform({
        transform(chunk: Buffer, _enc, callback: TransformCallback) {
          seen += chunk.length;
          if (seen > maxBytes) callback(tooLarge());
          else callback(null, chunk);
        },
      });
      await pipeline(response, cap, createWriteStream(dest, { mode: 0o600 }), { signal });
    } catch (error) {
      response.destroy();
      await rm(dest, { force: true });
      if (error instanceof InputError) throw error;
      throw new HttpError('E_NETWORK', `Download of ${masked} broke off: ${(error as Error).message}`, {
        cause: error,
        url: masked,
      });
    }
    return 200;
  }
}

async function get(
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
  signal: AbortSignal,
  proxy: ProxyConfig | undefined,
): Promise<http.IncomingMessage> {
  const target = new URL(url);
  const lib = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : undefined;
  if (!lib) throw new HttpError('E_URL', `Only http and https URLs are supported (${maskUrl(url)}).`);
  // Direct, or through the proxy (for https: once the CONNECT tunnel stands).
  const route = await routeTo(target, proxy, {}, timeoutMs);
  return new Promise((resolve, reject) => {
    const req = lib.get({ ...route.options, headers: { ...headers, ...route.headers }, signal }, resolve);
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer for ${timeoutMs / 1000} s`)));
    req.on('error', (error) =>
      reject(
        new HttpError('E_NETWORK', `Cannot fetch ${maskUrl(url)}: ${error.message}`, {
          cause: error,
          url: maskUrl(url),
        }),
      ),
    );
  });
}
