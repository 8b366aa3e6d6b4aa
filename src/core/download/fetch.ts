/**
 * GETs for consumers: redirects followed a bounded number of times (indexes and release hosts
 * redirect to CDNs), credentials dropped when a redirect leaves the origin, https never
 * downgraded to http, every body bounded while it is read, retries on 5xx and broken connections
 * (the same rule and backoff as src/core/net/http.ts).
 */
import { createHash, type Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpError } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { routeTo } from '../net/connect.js';
import { DEFAULT_RETRY, DEFAULT_TIMEOUT_MS, isTransientError, maskUrl, USER_AGENT } from '../net/http.js';
import type { ProxyConfig } from '../net/proxy.js';

export interface FetchOptions {
  headers?: Record<string, string>;
  /** Extra CA certificates (PEM) for https (--cert). */
  ca?: Buffer;
  timeoutMs?: number;
  /** Redirects followed per request (default 5). */
  maxRedirects?: number;
  /** Retries after the first attempt on 5xx and broken connections (default 3). */
  retries?: number;
  baseDelayMs?: number;
  /** Basic auth sent only to this origin (the index's user info applies to its files, like pip). */
  credentials?: { origin: string; authorization: string };
  /** Refuse plain http (WKD). */
  httpsOnly?: boolean;
  /** Proxies (HTTPS_PROXY, HTTP_PROXY, NO_PROXY as the CLI read them). */
  proxy?: ProxyConfig;
  logger?: Logger;
  /** Test hook for the retry backoff. */
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_MAX_REDIRECTS = 5;

/** A response whose status is final (not a redirect), with the URL it came from. */
interface Opened {
  response: http.IncomingMessage;
  url: string;
}

function stripAuth(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));
}

async function requestOnce(
  url: URL,
  headers: Record<string, string>,
  options: FetchOptions,
): Promise<Opened> {
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // Direct, or through the proxy (a CONNECT tunnel for https, TLS still checked against `ca`).
  const route = await routeTo(url, options.proxy, { ca: options.ca }, timeout);
  return new Promise((resolve, reject) => {
    const lib = url.protocol === 'https:' ? https : http;
    const req = lib.get({ ...route.options, headers: { ...headers, ...route.headers } }, (response) =>
      resolve({ response, url: url.toString() }),
    );
    req.setTimeout(timeout, () =>
      req.destroy(
        Object.assign(new Error(`no data for ${timeout / 1000} s (timed out)`), { code: 'ETIMEDOUT' }),
      ),
    );
    req.on('error', (error) =>
      reject(
        new HttpError('E_NETWORK', `Cannot fetch ${maskUrl(url.toString())}: ${error.message}`, {
          cause: error,
          url: maskUrl(url.toString()),
          hint: /certificate|self.signed|CERT_/i.test(error.message)
            ? "Pass the server's CA with --cert FILE (or NODE_EXTRA_CA_CERTS)."
            : undefined,
        }),
      ),
    );
  });
}

/**
 * GET `url`, following redirects. User info in the URL becomes Basic auth for the first origin
 * only: a redirect to another scheme, host or port loses the Authorization header.
 */
export async function openUrl(url: string, options: FetchOptions = {}): Promise<Opened> {
  let current: URL;
  try {
    current = new URL(url);
  } catch (error) {
    throw new HttpError('E_URL', `Not a valid URL: ${maskUrl(url)}`, { cause: error });
  }
  let credentials = options.credentials;
  if (current.username || current.password) {
    credentials = { origin: current.origin, authorization: basicAuth(current) };
    current.username = '';
    current.password = '';
  }
  const base: Record<string, string> = { 'user-agent': USER_AGENT, ...stripAuth(options.headers ?? {}) };
  for (let hop = 0; ; hop += 1) {
    if (current.protocol !== 'https:' && (options.httpsOnly || current.protocol !== 'http:'))
      throw new HttpError(
        'E_URL',
        `Refusing ${maskUrl(current.toString())}: only ${options.httpsOnly ? 'https' : 'http and https'} URLs are fetched.`,
        { url: maskUrl(current.toString()) },
      );
    // Credentials belong to one origin (the index the user named): a redirect to another scheme,
    // host or port, say a CDN, never receives them.
    const headers =
      credentials && credentials.origin === current.origin
        ? { ...base, authorization: credentials.authorization }
        : base;
    const opened = await requestOnce(current, headers, options);
    const status = opened.response.statusCode ?? 0;
    const location = opened.response.headers.location;
    if (status < 300 || status >= 400 || !location) return opened;
    opened.response.resume();
    if (hop >= (options.maxRedirects ?? DEFAULT_MAX_REDIRECTS))
      throw new HttpError('E_REDIRECTS', `Too many redirects fetching ${maskUrl(url)}.`, {
        url: maskUrl(url),
      });
    const next = new URL(location, current);
    if (current.protocol === 'https:' && next.protocol !== 'https:')
      throw new HttpError(
        'E_REDIRECT_DOWNGRADE',
        `${maskUrl(current.toString())} redirects to plain http (${maskUrl(next.toString())}); refused.`,
        { url: maskUrl(current.toString()) },
      );
    next.username = '';
    next.password = '';
    current = next;
  }
}

/** `Authorization: Basic ...` from a URL's user info. */
export function basicAuth(url: URL): string {
  const creds = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return `Basic ${Buffer.from(creds).toString('base64')}`;
}

/** The credentials in `url` (user info), for its origin only; undefined when it has none. */
export function credentialsOf(url: string): FetchOptions['credentials'] {
  try {
    const u = new URL(url);
    return u.username || u.password ? { origin: u.origin, authorization: basicAuth(u) } : undefined;
  } catch {
    return undefined;
  }
}

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
