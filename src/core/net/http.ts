/**
 * The one HTTP client distseal uses for uploads and index queries: node:http/https, never follows
 * a redirect (a redirected POST loses its body and may leak credentials to another host; twine
 * refuses them too, specs/pypi-upload.md §2 "Redirects"), reads a bounded response body, and
 * retries transient failures a bounded number of times with exponential backoff and jitter.
 */
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { HttpError } from '../errors.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import {
  DEFAULT_DEADLINE_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  MAX_RESPONSE_BYTES,
  MAX_SERVER_TEXT_CHARS,
} from '../limits.js';
import { serverText } from '../safe-text.js';
import { armDeadline } from './deadline.js';
import { routeTo } from './connect.js';
import { maskUrl } from './mask.js';
import type { ProxyConfig } from './proxy.js';

export { maskUrl } from './mask.js';

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** Called once per attempt so a retry re-sends a fresh stream (a stream can only be read once). */
  body?: () => NodeJS.ReadableStream | Buffer | string;
  /** Idle socket timeout (no bytes either way for this long). Default 60 s. */
  timeoutMs?: number;
  /** Extra CA certificates (PEM) trusted for this request (--cert). */
  ca?: Buffer;
  /** Client certificate (PEM) for mutual TLS (--client-cert). */
  cert?: Buffer;
  /** Client key (PEM); may be the same file as `cert`. */
  key?: Buffer;
  /** Keep at most this many response bytes (default MAX_RESPONSE_BYTES). */
  maxResponseBytes?: number;
  /** Upload progress: bytes of the body written so far. */
  onBodyProgress?: (sent: number) => void;
  /**
   * Total time for the response once the request was sent: waiting for it and reading it
   * (default DEFAULT_DEADLINE_MS). A server trickling a byte a second is cut off here even
   * though it never goes idle.
   */
  deadlineMs?: number;
  /** Proxies to use (HTTPS_PROXY, HTTP_PROXY, NO_PROXY as the CLI read them); none by default. */
  proxy?: ProxyConfig;
}

export interface HttpResponse {
  status: number;
  statusText: string;
  headers: Record<string, string | string[] | undefined>;
  /** The response body as text, capped at MAX_RESPONSE_BYTES. */
  body: string;
  /** The same kept bytes, undecoded (binary downloads). */
  bytes?: Buffer;
  /** True when the body was longer than the cap and the rest was dropped. */
  truncated?: boolean;
}

export interface RetryOptions {
  /** How many times to retry after the first attempt (default 3). */
  retries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Decide whether an attempt's outcome is worth retrying (default: 5xx and transient network errors). */
  retryOn?: (response: HttpResponse | undefined, error: unknown) => boolean;
  logger?: Logger;
  /** What is being done, for the log ("upload of x.whl"). */
  describe?: string;
  /** Test hook: replaces setTimeout-based sleeping. */
  sleep?: (ms: number) => Promise<void>;
}

/** The response body is read up to this many bytes; the rest is drained and dropped. */
export { MAX_RESPONSE_BYTES, DEFAULT_DEADLINE_MS } from '../limits.js';
export const DEFAULT_TIMEOUT_MS = DEFAULT_IDLE_TIMEOUT_MS;
export const DEFAULT_RETRY: Required<Pick<RetryOptions, 'retries' | 'baseDelayMs' | 'maxDelayMs'>> = {
  retries: 3,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
};

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EAI_AGAIN',
  'E_HTTP_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** True for errors that mean "the connection broke", which a retry may fix. ECONNREFUSED is not one: the server is down. */
export function isTransientError(error: unknown): boolean {
  if (error instanceof HttpError && error.cause !== undefined) return isTransientError(error.cause);
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /socket hang up|ECONNRESET|EPIPE|timed out/i.test(message);
}

/** The default retry rule: any 5xx response, or a transient network error. */
export function defaultRetryOn(response: HttpResponse | undefined, error: unknown): boolean {
  if (response) return response.status >= 500 && response.status <= 599;
  return isTransientError(error);
}

/** One request, one response. Never follows redirects; network failures become HttpError E_NETWORK. */
export async function httpRequest(req: HttpRequest): Promise<HttpResponse> {
  let target: URL;
  try {
    target = new URL(req.url);
  } catch (error) {
    throw new HttpError('E_URL', `Not a valid URL: ${maskUrl(req.url)}`, {
      cause: error,
      url: maskUrl(req.url),
    });
  }
  const isHttps = target.protocol === 'https:';
  if (!isHttps && target.protocol !== 'http:') {
    throw new HttpError(
      'E_URL',
      `Only http and https URLs are supported, not ${target.protocol} (${maskUrl(req.url)}).`,
      { url: maskUrl(req.url) },
    );
  }
  const headers: Record<string, string> = { 'user-agent': USER_AGENT, ...(req.headers ?? {}) };
  // Credentials embedded in the URL become Basic auth here and never travel in the request line.
  if (
    (target.username || target.password) &&
    !Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')
  ) {
    const creds = `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`;
    headers.authorization = `Basic ${Buffer.from(creds).toString('base64')}`;
  }
  const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const masked = maskUrl(req.url);
  // Direct, or through the proxy (for https: once the CONNECT tunnel stands). Before the body is made.
  const route = await routeTo(
    target,
    req.proxy,
    { ca: req.ca, cert: req.cert, key: req.key },
    timeoutMs,
  ).catch((error: unknown) => {
    throw wrapNetworkError(error, masked);
  });
  Object.assign(headers, route.headers);
  const body = req.body?.();
  if (
    (typeof body === 'string' || Buffer.isBuffer(body)) &&
    !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')
  ) {
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  const options: https.RequestOptions = { method: req.method, headers, ...route.options };

  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      if (
        body &&
        typeof body === 'object' &&
        'destroy' in body &&
        typeof (body as Readable).destroy === 'function'
      )
        (body as Readable).destroy();
      reject(wrapNetworkError(error, masked));
    };
    const request = (isHttps ? https : http).request(options, (res) => {
      const chunks: Buffer[] = [];
      const cap = req.maxResponseBytes ?? MAX_RESPONSE_BYTES;
      let kept = 0;
      let truncated = false;
      res.on('data', (chunk: Buffer) => {
        if (kept + chunk.length > cap) truncated = true;
        if (kept < cap) {
          const part = chunk.subarray(0, cap - kept);
          chunks.push(part);
          kept += part.length;
        }
      });
      res.on('error', fail);
      res.on('end', () => {
        if (settled) return;
        settled = true;
        const bytes = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          statusText: serverText(res.statusMessage ?? '', MAX_SERVER_TEXT_CHARS),
          headers: res.headers,
          body: bytes.toString('utf8'),
          bytes,
          truncated,
        });
      });
    });
    request.setTimeout(timeoutMs, () => {
      const error = Object.assign(
        new Error(`no response for ${Math.round(timeoutMs / 1000)} s (timed out)`),
        { code: 'E_HTTP_TIMEOUT' },
      );
      request.destroy(error);
    });
    request.on('error', fail);
    armDeadline(request, req.deadlineMs ?? DEFAULT_DEADLINE_MS);
    if (body === undefined) {
      request.end();
    } else if (typeof body === 'string' || Buffer.isBuffer(body)) {
      req.onBodyProgress?.(Buffer.byteLength(body));
      request.end(body);
    } else {
      const stream = body as Readable;
      let sent = 0;
      stream.on('data', (chunk: Buffer | string) => {
        sent += Buffer.byteLength(chunk);
        req.onBodyProgress?.(sent);
      });
      stream.on('error', (error) => {
        request.destroy(error);
        fail(error);
      });
      stream.pipe(request);
    }
  });
}

/**
 * `httpRequest` with bounded retries on 5xx and transient network errors. Sleeps
 * base * 2^(n-1) (capped) with full jitter between attempts and logs "retry n of N".
 * Returns the last response (even a 5xx) when retries are exhausted; rethrows the last error.
 */
export async function requestWithRetry(req: HttpRequest, retry: RetryOptions = {}): Promise<HttpResponse> {
  const retries = retry.retries ?? DEFAULT_RETRY.retries;
  const base = retry.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs;
  const cap = retry.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs;
  const retryOn = retry.retryOn ?? defaultRetryOn;
  const logger = retry.logger ?? silentLogger;
  const sleep = retry.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const what = retry.describe ?? `${req.method} ${maskUrl(req.url)}`;
  for (let attempt = 0; ; attempt += 1) {
    let response: HttpResponse | undefined;
    let error: unknown;
    try {
      response = await httpRequest(req);
    } catch (e) {
      error = e;
    }
    const transient = retryOn(response, error);
    if (!transient || attempt >= retries) {
      if (error !== undefined) throw error;
      return response!;
    }
    const reason = response ? `${response.status} ${response.statusText}`.trim() : describeError(error);
    const delay = Math.round(Math.random() * Math.min(cap, base * 2 ** attempt));
    logger.warn(
      `${what} failed (${reason}); retry ${attempt + 1} of ${retries} in ${(delay / 1000).toFixed(1)} s.`,
    );
    await sleep(delay);
  }
}

/**
 * The User-Agent when the caller gives none. The CLI passes `distseal/<version>` through the
 * request headers (the core does not know which release it is part of).
 */
export const USER_AGENT = `distseal node/${process.versions.node}`;

/** The User-Agent for a caller that knows its product version (`distseal/1.2.3 node/22.1.0`). */
export function userAgentFor(version: string | undefined): string {
  return version ? `distseal/${version} node/${process.versions.node}` : USER_AGENT;
}

function describeError(error: unknown): string {
  if (error instanceof HttpError && error.cause instanceof Error) return error.cause.message;
  return error instanceof Error ? error.message : String(error);
}

function wrapNetworkError(error: unknown, maskedUrl: string): HttpError {
  if (error instanceof HttpError) return error;
  const code = (error as { code?: string })?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ECONNREFUSED') {
    return new HttpError('E_NETWORK', `Cannot connect to ${maskedUrl}: connection refused.`, {
      cause: error,
      url: maskedUrl,
      hint: 'Is the server running and the URL right? Check --repository-url or the .pypirc section.',
    });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new HttpError('E_NETWORK', `Cannot resolve the host of ${maskedUrl}.`, {
      cause: error,
      url: maskedUrl,
      hint: 'Check the URL and your network or proxy settings.',
    });
  }
  if (/certificate|self.signed|CERT_|SSL|TLS/i.test(`${code ?? ''} ${message}`)) {
    return new HttpError('E_TLS', `TLS failure talking to ${maskedUrl}: ${message}`, {
      cause: error,
      url: maskedUrl,
      hint: "Pass the server's CA with --cert FILE (or ca_cert in .pypirc), or a client certificate with --client-cert.",
    });
  }
  return new HttpError('E_NETWORK', `Network error talking to ${maskedUrl}: ${message}`, {
    cause: error,
    url: maskedUrl,
  });
}

/** Wrap a Buffer/string as a fresh Readable (helps callers that always want a stream). */
export function toStream(data: Buffer | string): NodeJS.ReadableStream {
  return Readable.from([typeof data === 'string' ? Buffer.from(data) : data]);
}
