/**
 * Opening a URL for a consumer's GET: redirects followed a bounded number of times (indexes and
 * release hosts redirect to CDNs), credentials dropped when a redirect leaves the origin, https
 * never downgraded to http.
 */
import http from 'node:http';
import https from 'node:https';
import { HttpError } from '../errors.js';
import type { Logger } from '../logger.js';
import { routeTo } from '../net/connect.js';
import { DEFAULT_TIMEOUT_MS, maskUrl } from '../net/http.js';
import { USER_AGENT } from '../net/user-agent.js';
import type { ProxyConfig } from '../net/proxy.js';
import { withoutAuthorization } from '../net/redirect.js';
import { basicAuth } from '../net/request-target.js';

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
export interface Opened {
  response: http.IncomingMessage;
  url: string;
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
  const base: Record<string, string> = {
    'user-agent': USER_AGENT,
    ...withoutAuthorization(options.headers ?? {}),
  };
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

/** The credentials in `url` (user info), for its origin only; undefined when it has none. */
export function credentialsOf(url: string): FetchOptions['credentials'] {
  try {
    const u = new URL(url);
    return u.username || u.password ? { origin: u.origin, authorization: basicAuth(u) } : undefined;
  } catch {
    return undefined;
  }
}
