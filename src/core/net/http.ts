/**
 * The one HTTP client distseal uses for uploads and index queries: node:http/https, never follows
 * a redirect (a redirected POST loses its body and may leak credentials to another host; twine
 * refuses them too, specs/pypi-upload.md §2 "Redirects"), reads a bounded response body, and
 * retries transient failures a bounded number of times with exponential backoff and jitter.
 */
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
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
import { describeError, isTransientError, wrapNetworkError } from './network-error.js';
import type { ProxyConfig } from './proxy.js';
import { requestTarget } from './request-target.js';

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

/** The default retry rule: any 5xx response, or a transient network error. */
export function defaultRetryOn(response: HttpResponse | undefined, error: unknown): boolean {
  if (response) return response.status >= 500 && response.status <= 599;
  return isTransientError(error);
}

/** One request, one response. Never follows redirects; network failures become HttpError E_NETWORK. */
export async function httpRequest(req: HttpRequest): Promise<HttpResponse> {
  const { target, headers } = requestTarget(req.url, req.headers);
  const isHttps = target.protocol === 'https:';
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

/** Wrap a Buffer/string as a fresh Readable (helps callers that always want a stream). */
export function toStream(data: Buffer | string): NodeJS.ReadableStream {
  return Readable.from([typeof data === 'string' ? Buffer.from(data) : data]);
}
