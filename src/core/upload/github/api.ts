/**
 * A small client for the GitHub REST API (releases and their assets), on distseal's HTTP client:
 * Bearer token, the versioned media type, bounded retries on 5xx, no redirects followed for
 * authenticated calls. Errors name the call and say what the status usually means.
 */
import { HttpError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { silentLogger } from '../../logger.js';
import { requestWithRetry, type HttpResponse } from '../../net/http.js';
import type { ProxyConfig } from '../../net/proxy.js';

export const DEFAULT_GITHUB_API = 'https://api.github.com';
export const GITHUB_API_VERSION = '2022-11-28';

export interface GithubRelease {
  id: number;
  tag_name: string;
  name?: string | null;
  draft: boolean;
  html_url?: string;
  upload_url: string;
}

export interface GithubAsset {
  id: number;
  name: string;
  size: number;
  state: string;
  content_type?: string;
  /** `sha256:<hex>` on assets uploaded since mid-2025; null or absent on older ones. */
  digest?: string | null;
  url: string;
  browser_download_url?: string;
}

export interface GithubApiOptions {
  apiUrl?: string;
  token: string;
  owner: string;
  repo: string;
  logger?: Logger;
  retries?: number;
  retryBaseMs?: number;
  /** HTTP(S)_PROXY / NO_PROXY for every API call and asset download. */
  proxy?: ProxyConfig;
}

/** Release and asset JSON is small; 8 MiB covers 100 assets with long labels. */
const MAX_JSON_BYTES = 8 << 20;

export class GithubApi {
  readonly apiUrl: string;
  readonly repoPath: string;
  private readonly logger: Logger;

  constructor(private readonly options: GithubApiOptions) {
    this.apiUrl = (options.apiUrl ?? DEFAULT_GITHUB_API).replace(/\/+$/, '');
    this.repoPath = `/repos/${encodeURIComponent(options.owner)}/${encodeURIComponent(options.repo)}`;
    this.logger = options.logger ?? silentLogger;
  }

  /** The proxy settings, for asset downloads made beside the API (fetchDigest). */
  get proxy(): ProxyConfig | undefined {
    return this.options.proxy;
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      authorization: `Bearer ${this.options.token}`,
      accept: 'application/vnd.github+json',
      'x-github-api-version': GITHUB_API_VERSION,
      ...extra,
    };
  }

  async call(
    method: string,
    urlOrPath: string,
    body?: unknown,
    extra: {
      headers?: Record<string, string>;
      stream?: () => NodeJS.ReadableStream;
      timeoutMs?: number;
    } = {},
  ): Promise<HttpResponse> {
    const url = /^https?:\/\//.test(urlOrPath) ? urlOrPath : `${this.apiUrl}${urlOrPath}`;
    const json = body === undefined ? undefined : JSON.stringify(body);
    return requestWithRetry(
      {
        method,
        url,
        headers: this.headers({
          ...(json ? { 'content-type': 'application/json' } : {}),
          ...(extra.headers ?? {}),
        }),
        body: extra.stream ?? (json === undefined ? undefined : () => json),
        maxResponseBytes: MAX_JSON_BYTES,
        timeoutMs: extra.timeoutMs,
        proxy: this.options.proxy,
      },
      {
        retries: this.options.retries ?? 3,
        baseDelayMs: this.options.retryBaseMs,
        logger: this.logger,
        describe: `${method} ${url}`,
      },
    );
  }

  /** Call and parse JSON, or throw an HttpError naming the call. */
  async json<T>(method: string, urlOrPath: string, ok: number[], body?: unknown): Promise<T> {
    const res = await this.call(method, urlOrPath, body);
    if (!ok.includes(res.status)) throw githubError(res, `${method} ${urlOrPath}`);
    try {
      return JSON.parse(res.body) as T;
    } catch (error) {
      throw new HttpError('E_SERVER_REPLY', `${method} ${urlOrPath}: the answer is not JSON.`, {
        cause: error,
      });
    }
  }

  /** The release with this tag, drafts included (the tag endpoint does not see drafts). */
  async findRelease(tag: string): Promise<GithubRelease | undefined> {
    for (let page = 1; page <= 10; page += 1) {
      const list = await this.json<GithubRelease[]>(
        'GET',
        `${this.repoPath}/releases?per_page=100&page=${page}`,
        [200],
      );
      const found = list.find((r) => r.tag_name === tag);
      if (found) return found;
      if (list.length < 100) return undefined;
    }
    return undefined;
  }

  createDraft(tag: string, name: string): Promise<GithubRelease> {
    return this.json<GithubRelease>('POST', `${this.repoPath}/releases`, [201], {
      tag_name: tag,
      name,
      draft: true,
    });
  }

  publish(id: number): Promise<GithubRelease> {
    return this.json<GithubRelease>('PATCH', `${this.repoPath}/releases/${id}`, [200], { draft: false });
  }

  async assets(id: number): Promise<GithubAsset[]> {
    const all: GithubAsset[] = [];
    for (let page = 1; page <= 10; page += 1) {
      const list = await this.json<GithubAsset[]>(
        'GET',
        `${this.repoPath}/releases/${id}/assets?per_page=100&page=${page}`,
        [200],
      );
      all.push(...list);
      if (list.length < 100) break;
    }
    return all;
  }

  async deleteAsset(id: number): Promise<void> {
    const res = await this.call('DELETE', `${this.repoPath}/releases/assets/${id}`);
    if (res.status !== 204 && res.status !== 404) throw githubError(res, `DELETE asset ${id}`);
  }
}

/** An HttpError for a GitHub answer, with the API's own message and what to do. */
export function githubError(res: HttpResponse, what: string): HttpError {
  let message: string;
  try {
    const data = JSON.parse(res.body) as {
      message?: string;
      errors?: Array<{ code?: string; field?: string }>;
    };
    message = [data.message, ...(data.errors ?? []).map((e) => [e.field, e.code].filter(Boolean).join(' '))]
      .filter(Boolean)
      .join('; ');
  } catch {
    message = res.statusText;
  }
  const hint =
    res.status === 401
      ? 'The GitHub token is missing or wrong: set GITHUB_TOKEN (or store one with the keychain) and try again.'
      : res.status === 403 || res.status === 404
        ? 'The token needs write access to the repository ("contents: write"); check the repository name and the token scopes.'
        : res.status === 422
          ? 'GitHub refused the request as given; the message says which field.'
          : undefined;
  return new HttpError(
    'E_GITHUB',
    `GitHub refused ${what} (${res.status}${message ? `: ${message}` : ''}).`,
    {
      status: res.status,
      hint,
    },
  );
}
