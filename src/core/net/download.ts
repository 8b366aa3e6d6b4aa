import { createWriteStream } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream/promises';
import { HttpError } from '../errors.js';
import { maskUrl, USER_AGENT } from './http.js';

export interface DownloadOptions {
  headers?: Record<string, string>;
  /** Redirects to follow (default 1: anaconda.org's /download answers 302 to S3). */
  maxRedirects?: number;
  timeoutMs?: number;
}

/**
 * Stream a URL into `dest` (never into memory). Follows at most `maxRedirects` redirects, and
 * drops the Authorization header when a redirect leaves the original host (the token must not
 * reach S3). Returns the HTTP status: 200 wrote the file, 404 wrote nothing.
 */
export async function downloadToFile(
  url: string,
  dest: string,
  options: DownloadOptions = {},
): Promise<number> {
  let current = url;
  let headers = { 'user-agent': USER_AGENT, ...(options.headers ?? {}) };
  for (let hop = 0; ; hop += 1) {
    const response = await get(current, headers, options.timeoutMs ?? 60_000);
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location && hop < (options.maxRedirects ?? 1)) {
      response.resume();
      const next = new URL(response.headers.location, current);
      if (next.host !== new URL(current).host)
        headers = Object.fromEntries(
          Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'),
        ) as typeof headers;
      current = next.toString();
      continue;
    }
    if (status !== 200) {
      response.resume();
      return status;
    }
    try {
      await pipeline(response, createWriteStream(dest, { mode: 0o600 }));
    } catch (error) {
      throw new HttpError(
        'E_NETWORK',
        `Download of ${maskUrl(current)} broke off: ${(error as Error).message}`,
        { cause: error, url: maskUrl(current) },
      );
    }
    return 200;
  }
}

function get(url: string, headers: Record<string, string>, timeoutMs: number): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const lib = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : undefined;
    if (!lib) {
      reject(new HttpError('E_URL', `Only http and https URLs are supported (${maskUrl(url)}).`));
      return;
    }
    const req = lib.get(target, { headers, agent: false }, resolve);
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
