/**
 * Read back what a server serves without keeping it: GET a URL (following a bounded number of
 * redirects, dropping Authorization when one leaves the host, as downloads to S3 need), hash
 * the body as it streams and stop once it is larger than expected. Used to compare what was
 * published with the local files, and to fetch small documents (index pages, signatures).
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { HttpError } from '../errors.js';
import { DEFAULT_DEADLINE_MS } from '../limits.js';
import { routeTo } from './connect.js';
import { armDeadline } from './deadline.js';
import { maskUrl } from './http.js';
import type { ProxyConfig } from './proxy.js';
import { USER_AGENT } from './user-agent.js';
import { nextHop } from './redirect.js';

export interface FetchOptions {
  headers?: Record<string, string>;
  /** Stop reading (and report `tooLarge`) past this many bytes. */
  maxBytes: number;
  /** Keep the body in memory (small documents only). */
  keepBody?: boolean;
  maxRedirects?: number;
  timeoutMs?: number;
  /** The whole answer must have arrived this long after the request was sent (default DEFAULT_DEADLINE_MS). */
  deadlineMs?: number;
  ca?: Buffer;
  /** HTTP(S)_PROXY / NO_PROXY, as every other client honours them. */
  proxy?: ProxyConfig;
}

export interface FetchResult {
  status: number;
  /** The URL finally answered (after redirects). */
  url: string;
  contentType?: string;
  size: number;
  sha256: string;
  tooLarge: boolean;
  body?: Buffer;
}

export async function fetchDigest(url: string, options: FetchOptions): Promise<FetchResult> {
  let current = url;
  let headers: Record<string, string> = { 'user-agent': USER_AGENT, ...(options.headers ?? {}) };
  for (let hop = 0; ; hop += 1) {
    const res = await get(current, headers, options);
    const hopTo = nextHop(res, current, headers, hop < (options.maxRedirects ?? 2));
    if (hopTo) {
      ({ url: current, headers } = hopTo);
      continue;
    }
    return read(res, current, options);
  }
}

function read(res: http.IncomingMessage, url: string, options: FetchOptions): Promise<FetchResult> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    const done = () =>
      resolve({
        status: res.statusCode ?? 0,
        url,
        contentType: res.headers['content-type'],
        size,
        sha256: hash.digest('hex'),
        tooLarge,
        body: options.keepBody ? Buffer.concat(chunks) : undefined,
      });
    res.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > options.maxBytes) {
        tooLarge = true;
        res.destroy();
        done();
        return;
      }
      hash.update(chunk);
      if (options.keepBody) chunks.push(chunk);
    });
    res.on('end', () => {
      if (!tooLarge) done();
    });
    res.on('error', (aborted) => {
      if (tooLarge) return;
      // A cut-off by the deadline shows on the request, the response only says "aborted": look
      // once the request's own error event (same tick or the next) has been seen.
      setImmediate(() => {
        const error = requestErrors.get(res) ?? aborted;
        reject(
          new HttpError('E_NETWORK', `Reading ${maskUrl(url)} broke off: ${error.message}`, { cause: error }),
        );
      });
    });
  });
}

/** Why a request was destroyed (the deadline), for the response that then only says "aborted". */
const requestErrors = new WeakMap<http.IncomingMessage, Error>();

async function get(
  url: string,
  headers: Record<string, string>,
  options: FetchOptions,
): Promise<http.IncomingMessage> {
  let target: URL;
  try {
    target = new URL(url);
  } catch (error) {
    throw new HttpError('E_URL', `Not a valid URL: ${maskUrl(url)}`, { cause: error });
  }
  const lib = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : undefined;
  if (!lib) throw new HttpError('E_URL', `Only http and https URLs are supported (${maskUrl(url)}).`);
  const ms = options.timeoutMs ?? 60_000;
  const failed = (error: Error) =>
    new HttpError('E_NETWORK', `Cannot fetch ${maskUrl(url)}: ${error.message}`, {
      cause: error,
      url: maskUrl(url),
    });
  // Direct, or through the proxy (a CONNECT tunnel for https, TLS still checked against `ca`).
  const route = await routeTo(target, options.proxy, { ca: options.ca }, ms).catch((error: Error) => {
    throw error instanceof HttpError ? error : failed(error);
  });
  return new Promise((resolve, reject) => {
    let response: http.IncomingMessage | undefined;
    const req = lib.get({ ...route.options, headers: { ...headers, ...route.headers } }, (res) => {
      response = res;
      resolve(res);
    });
    req.setTimeout(ms, () => req.destroy(new Error(`no answer for ${ms / 1000} s`)));
    armDeadline(req, options.deadlineMs ?? DEFAULT_DEADLINE_MS);
    req.on('error', (error) => {
      if (response) requestErrors.set(response, error);
      reject(failed(error));
    });
  });
}
