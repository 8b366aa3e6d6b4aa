/**
 * `--skip-existing` on PyPI asks the JSON API first, as twine does (twine/repository.py::
 * package_is_uploaded), so a file already there is not sent at all. One GET per project and
 * version, cached. Other indexes have no such API; for them the upload's answer decides
 * (responses.ts::meansAlreadyExists).
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

export class ReleaseFiles {
  private readonly cache = new Map<string, Promise<Set<string> | undefined>>();
  constructor(
    private readonly apiBase: string,
    private readonly logger: Logger,
    private readonly http: { ca?: Buffer; cert?: Buffer; key?: Buffer; proxy?: ProxyConfig } = {},
  ) {}

  /**
   * True when `basename` is among the files of `name` `version`; false when not; undefined when
   * the API could not say (then the upload goes ahead and the index's answer decides).
   */
  async has(name: string, version: string, basename: string): Promise<boolean | undefined> {
    const key = `${normalizePythonName(name)}/${version}`;
    let files = this.cache.get(key);
    if (!files) {
      files = this.fetch(name, version);
      this.cache.set(key, files);
    }
    const set = await files;
    return set === undefined ? undefined : set.has(basename);
  }

  private async fetch(name: string, version: string): Promise<Set<string> | undefined> {
    const url = `${this.apiBase.replace(/\/?$/, '/')}${encodeURIComponent(normalizePythonName(name))}/${encodeURIComponent(version)}/json`;
    try {
      const response = await requestWithRetry(
        {
          method: 'GET',
          url,
          headers: { accept: 'application/json' },
          timeoutMs: 30_000,
          maxResponseBytes: 8 * 1024 * 1024,
          ...this.http,
        },
        { retries: 2, logger: this.logger },
      );
      if (response.status === 404) return new Set();
      if (response.status !== 200) {
        this.logger.debug(`The JSON API answered ${response.status} for ${url}; the upload will decide.`);
        return undefined;
      }
      const data = JSON.parse(response.body) as { urls?: Array<{ filename?: string }> };
      return new Set(
        (data.urls ?? []).map((u) => u.filename).filter((f): f is string => typeof f === 'string'),
      );
    } catch (error) {
      this.logger.debug(`Could not ask ${url} (${(error as Error).message}); the upload will decide.`);
      return undefined;
    }
  }
}
