/**
 * What the index already holds, for `--skip-existing`. On PyPI the JSON API is asked first, as
 * twine does (twine/repository.py::package_is_uploaded), so a file already there is not sent at
 * all. Other indexes answer the upload (responses.ts::meansAlreadyExists); then their PEP 503
 * simple page, when one is found, says the file's sha256 so that a *different* file of the same
 * name is not skipped in silence (issue 15 item 5). One GET per project (and version), cached.
 */
import { normalizePythonName } from '../../names.js';
import type { Logger } from '../../logger.js';
import { requestWithRetry } from '../../net/http.js';
import type { ProxyConfig } from '../../net/proxy.js';

/** The JSON API that belongs to an upload URL (PyPI or TestPyPI), or undefined. */
export function jsonApiFor(uploadUrl: string): string | undefined {
  const host = new URL(uploadUrl).hostname;
  if (host === 'upload.pypi.org' || host === 'upload.pypi.io') return 'https://pypi.org/pypi/';
  if (host === 'test.pypi.org') return 'https://test.pypi.org/pypi/';
  return undefined;
}

/**
 * Where the simple index of an upload URL may be: `/legacy/` -> `/simple/` (Warehouse, the fake,
 * many proxies), else `simple/` (pypiserver) and `+simple/` (devpi) under it.
 */
export function simpleIndexCandidates(uploadUrl: string): string[] {
  const url = new URL(uploadUrl);
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  if (url.hostname === 'upload.pypi.org') return ['https://pypi.org/simple/'];
  if (url.hostname === 'test.pypi.org') return ['https://test.pypi.org/simple/'];
  if (url.pathname.endsWith('/legacy/')) {
    const simple = new URL(url);
    simple.pathname = `${url.pathname.slice(0, -'legacy/'.length)}simple/`;
    return [simple.toString()];
  }
  return [new URL('simple/', url).toString(), new URL('+simple/', url).toString()];
}

/** What the index says about one file: absent, present with a sha256, or present (digest unknown). */
export type RemoteFile = { present: false } | { present: true; sha256?: string };

type Http = { ca?: Buffer; cert?: Buffer; key?: Buffer; proxy?: ProxyConfig };
const MAX_INDEX_BYTES = 8 * 1024 * 1024;

async function get(url: string, accept: string, logger: Logger, http: Http) {
  return requestWithRetry(
    {
      method: 'GET',
      url,
      headers: { accept },
      timeoutMs: 30_000,
      maxResponseBytes: MAX_INDEX_BYTES,
      ...http,
    },
    { retries: 2, logger },
  );
}

/** filename -> sha256 (undefined when the index gives none); undefined when the index could not say. */
type FileList = Map<string, string | undefined> | undefined;

/** One GET per key (project, or project and version), and what its list says about a file. */
class FileLists {
  private readonly lists = new Map<string, Promise<FileList>>();

  async lookup(
    key: string,
    basename: string,
    load: () => Promise<FileList>,
  ): Promise<RemoteFile | undefined> {
    let files = this.lists.get(key);
    if (!files) {
      files = load();
      this.lists.set(key, files);
    }
    const map = await files;
    if (map === undefined) return undefined;
    return map.has(basename) ? { present: true, sha256: map.get(basename) } : { present: false };
  }
}

/** The PyPI JSON API: filename -> sha256 for one release. */
export class ReleaseFiles {
  private readonly cache = new FileLists();
  constructor(
    private readonly apiBase: string,
    private readonly logger: Logger,
    private readonly http: Http = {},
  ) {}

  /** What the API says about `basename`; undefined when it could not say (the upload then decides). */
  async lookup(name: string, version: string, basename: string): Promise<RemoteFile | undefined> {
    const key = `${normalizePythonName(name)}/${version}`;
    return this.cache.lookup(key, basename, () => this.fetch(name, version));
  }

  private async fetch(name: string, version: string): Promise<Map<string, string | undefined> | undefined> {
    const url = `${this.apiBase.replace(/\/?$/, '/')}${encodeURIComponent(normalizePythonName(name))}/${encodeURIComponent(version)}/json`;
    try {
      const response = await get(url, 'application/json', this.logger, this.http);
      if (response.status === 404) return new Map();
      if (response.status !== 200) {
        this.logger.debug(`The JSON API answered ${response.status} for ${url}; the upload will decide.`);
        return undefined;
      }
      const data = JSON.parse(response.body) as {
        urls?: Array<{ filename?: unknown; digests?: { sha256?: unknown } }>;
      };
      const map = new Map<string, string | undefined>();
      for (const u of data.urls ?? []) {
        if (typeof u.filename !== 'string') continue;
        const sha = u.digests?.sha256;
        map.set(u.filename, typeof sha === 'string' ? sha.toLowerCase() : undefined);
      }
      return map;
    } catch (error) {
      this.logger.debug(`Could not ask ${url} (${(error as Error).message}); the upload will decide.`);
      return undefined;
    }
  }
}

/** A PEP 503 simple page: filename -> sha256 from each link's `#sha256=` fragment. */
export class SimpleIndexFiles {
  private readonly cache = new FileLists();
  constructor(
    private readonly uploadUrl: string,
    private readonly logger: Logger,
    private readonly http: Http = {},
  ) {}

  async lookup(name: string, basename: string): Promise<RemoteFile | undefined> {
    const key = normalizePythonName(name);
    return this.cache.lookup(key, basename, () => this.fetch(key));
  }

  private async fetch(project: string): Promise<Map<string, string | undefined> | undefined> {
    for (const base of simpleIndexCandidates(this.uploadUrl)) {
      const url = `${base}${encodeURIComponent(project)}/`;
      try {
        const response = await get(url, 'text/html', this.logger, this.http);
        if (response.status !== 200) continue;
        return parseSimplePage(response.body);
      } catch (error) {
        this.logger.debug(`Could not read ${url}: ${(error as Error).message}`);
      }
    }
    return undefined;
  }
}

/** Links of a PEP 503 page: the text is the filename, the href may carry `#sha256=<hex>`. */
export function parseSimplePage(html: string): Map<string, string | undefined> {
  const files = new Map<string, string | undefined>();
  for (const m of html.matchAll(/<a\s[^>]*href\s*=\s*["']([^"']*)["'][^>]*>([^<]*)<\/a>/gi)) {
    const name = m[2]!.trim();
    if (!name) continue;
    const sha = /#sha256=([0-9a-f]{64})\b/i.exec(m[1]!);
    files.set(name, sha?.[1]?.toLowerCase());
  }
  return files;
}

/** How a skipped file compares with the index's copy. */
export type ExistingComparison = 'same' | 'different' | 'not-compared';

export function compareExisting(remote: RemoteFile | undefined, sha256: string): ExistingComparison {
  if (!remote?.present || !remote.sha256) return 'not-compared';
  return remote.sha256 === sha256.toLowerCase() ? 'same' : 'different';
}
