import { HttpError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { silentLogger } from '../../logger.js';
import { maskUrl, requestWithRetry, type HttpResponse, type RetryOptions } from '../../net/http.js';
import type { ProxyConfig } from '../../net/proxy.js';
import type { CondaArtifact } from './artifacts.js';

/** The API base anaconda-client talks to by default. */
export const DEFAULT_ANACONDA_API = 'https://api.anaconda.org';
/** anaconda-client sends its version here; rattler sends 1.12.2. We say which protocol we follow. */
export const BINSTAR_API_VERSION = '1.12.2';

export interface AnacondaApiOptions {
  apiUrl: string;
  token: string;
  logger?: Logger;
  retry?: RetryOptions;
  /** Proxies (HTTPS_PROXY, HTTP_PROXY, NO_PROXY as the CLI read them). */
  proxy?: ProxyConfig;
}

/**
 * The anaconda.org JSON API as anaconda-client uses it (specs/conda.md section 2): every request
 * carries `Authorization: token <T>` (the literal word "token", not Bearer), the API version
 * header and JSON content type; 5xx and dropped connections are retried with backoff (the
 * official client has no retries at all).
 */
export class AnacondaApi {
  readonly apiUrl: string;
  private readonly logger: Logger;

  constructor(private readonly options: AnacondaApiOptions) {
    this.apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.logger = options.logger ?? silentLogger;
  }

  /** Send one JSON request; returns the response whatever its status (callers decide). */
  /** The token, for the one non-JSON request that needs it (the --force backup download). */
  get token(): string {
    return this.options.token;
  }

  /** The proxies, for the requests that do not go through `send` (S3, the backup download). */
  get proxy(): ProxyConfig | undefined {
    return this.options.proxy;
  }

  async send(method: string, path: string, body?: unknown): Promise<HttpResponse> {
    const url = `${this.apiUrl}${path}`;
    const headers: Record<string, string> = {
      authorization: `token ${this.options.token}`,
      'x-binstar-api-version': BINSTAR_API_VERSION,
      accept: 'application/json',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const payload = body === undefined ? undefined : JSON.stringify(body);
    this.logger.debug(`${method} ${maskUrl(url)}`);
    return requestWithRetry(
      {
        method,
        url,
        headers,
        body: payload === undefined ? undefined : () => payload,
        proxy: this.options.proxy,
      },
      { logger: this.logger, describe: `${method} ${maskUrl(url)}`, ...this.options.retry },
    );
  }

  /** Send and require one of `ok` statuses; anything else becomes an explained HttpError. */
  async expect(method: string, path: string, ok: number[], body?: unknown): Promise<HttpResponse> {
    const response = await this.send(method, path, body);
    if (!ok.includes(response.status)) throw anacondaError(response, `${method} ${this.apiUrl}${path}`);
    return response;
  }

  /** GET a JSON object, or undefined on 404. */
  async getOptional(path: string): Promise<Record<string, unknown> | undefined> {
    const response = await this.send('GET', path);
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw anacondaError(response, `GET ${this.apiUrl}${path}`);
    return parseJson(response, `GET ${this.apiUrl}${path}`);
  }
}

export function parseJson(response: HttpResponse, what: string): Record<string, unknown> {
  try {
    const value = JSON.parse(response.body) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    /* fall through */
  }
  throw new HttpError(
    'E_SERVER_REPLY',
    `${what} answered ${response.status} with a body that is not a JSON object.`,
    { status: response.status, url: what },
  );
}

/** The server's own words: the JSON `error` field anaconda.org sends, else the start of the body. */
export function serverMessage(response: HttpResponse): string {
  try {
    const value = JSON.parse(response.body) as { error?: unknown; message?: unknown };
    if (typeof value.error === 'string') return value.error;
    if (typeof value.message === 'string') return value.message;
  } catch {
    /* not JSON */
  }
  return response.body.replace(/\s+/g, ' ').trim().slice(0, 300);
}

/**
 * Turn an anaconda.org error reply into an HttpError that says what happened in plain words.
 * 401 is the case users hit most (anaconda-client #501/#516/#526: expired tokens and missing
 * scopes reported as silence or "Anonymous user").
 */
export function anacondaError(response: HttpResponse, what: string): HttpError {
  const said = serverMessage(response);
  const status = response.status;
  if (status === 401 || status === 403) {
    let message = `anaconda.org refused the token (${status}): ${said || response.statusText}.`;
    let hint =
      'Check the token: `distseal login conda` stores a new one; --token-file and ANACONDA_API_TOKEN also work.';
    if (/expired/i.test(said)) {
      message = 'Your anaconda.org token has expired.';
      hint =
        'Create a new token on anaconda.org (Settings > Access) with the scopes "api:read api:write", then run `distseal login conda` or set ANACONDA_API_TOKEN.';
    } else if (/scope|api:write|permission/i.test(said)) {
      message = `Your anaconda.org token is not allowed to upload (${said}).`;
      hint =
        'Uploading needs a token with both scopes "api:read api:write" (space-separated). Create one on anaconda.org (Settings > Access).';
    }
    return new HttpError('E_AUTH', message, { status, url: what, hint });
  }
  if (status === 409)
    return new HttpError('E_EXISTS', `${what}: already exists (409)${said ? `: ${said}` : ''}.`, {
      status,
      url: what,
      hint: 'Pass --skip-existing to leave it, or --force to replace it.',
    });
  if (status >= 500)
    return new HttpError(
      'E_SERVER',
      `${what} failed on the server side (${status})${said ? `: ${said}` : ''}.`,
      { status, url: what, hint: 'anaconda.org may be having trouble; try again later.' },
    );
  return new HttpError(
    'E_HTTP',
    `${what} was refused (${status} ${response.statusText})${said ? `: ${said}` : ''}.`,
    { status, url: what },
  );
}

/** URL path segment quoting like Python's urllib.parse.quote (safe='/' by default). */
export function quote(segment: string, safe = '/'): string {
  return Array.from(Buffer.from(segment, 'utf8'))
    .map((byte) => {
      const c = String.fromCharCode(byte);
      return /[A-Za-z0-9_.\-~]/.test(c) || safe.includes(c)
        ? c
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

/** `<owner>/<package>/<version>/<basename>`, quoted: the tail of the dist, stage, commit and download paths. */
export function artifactPath(owner: string, a: CondaArtifact): string {
  return `${quote(owner, '')}/${quote(a.packageName, '')}/${quote(a.version, '')}/${quote(a.remoteBasename)}`;
}
