/**
 * The read side of a PyPI-compatible index: where its simple index is (from the upload URL, or
 * as given), and which files a project has there with their sha256 and signatures, from the
 * PEP 691 JSON form when the index offers it, else the PEP 503 HTML page.
 */
import { HttpError } from '../errors.js';
import { mapLimit } from '../io/limit.js';
import { fetchDigest } from '../net/fetch-digest.js';
import { maskUrl } from '../net/http.js';
import type { ProxyConfig } from '../net/proxy.js';
import { normalizePythonName } from '../names.js';

export interface IndexFile {
  filename: string;
  url: string;
  sha256?: string;
  size?: number;
  /** The index says a detached signature is served at URL.asc. */
  hasSignature: boolean;
}

/** A project page is small; 16 MiB covers projects with thousands of files. */
const MAX_PAGE_BYTES = 16 << 20;

/**
 * The simple index that belongs to an upload URL, or undefined when it cannot be known
 * (then `--index-url` says it). One commented place for the layouts distseal knows:
 */
export function readUrlFor(uploadUrl: string): string | undefined {
  const u = new URL(uploadUrl);
  // pypi.org and TestPyPI: uploads go to a different host or path than reads.
  if (u.hostname === 'upload.pypi.org') return 'https://pypi.org/simple/';
  if (u.hostname === 'test.pypi.org') return 'https://test.pypi.org/simple/';
  // Warehouse-like and our local index: /legacy/ beside /simple/.
  if (/\/legacy\/?$/.test(u.pathname))
    return new URL(u.pathname.replace(/legacy\/?$/, 'simple/'), u).toString();
  // Nexus: /repository/NAME/ takes uploads, /repository/NAME/simple/ serves.
  const nexus = /^(\/repository\/[^/]+)\/?$/.exec(u.pathname);
  if (nexus) return new URL(`${nexus[1]}/simple/`, u).toString();
  // devpi: /USER/INDEX/ takes uploads, /USER/INDEX/+simple/ serves.
  const devpi = /^\/([^/+]+)\/([^/+]+)\/?$/.exec(u.pathname);
  if (devpi) return new URL(`/${devpi[1]}/${devpi[2]}/+simple/`, u).toString();
  // pypiserver: uploads at the root, /simple/ beside them.
  if (u.pathname === '/' || u.pathname === '') return new URL('/simple/', u).toString();
  return undefined;
}

/** Index round trips in flight at once while a release lists or reads back its files. */
export const READ_BACK_CONCURRENCY = 4;

/** The files of every project among `dists` on the index at `readUrl`, a few pages at a time. */
export async function listProjects(
  readUrl: string,
  dists: ReadonlyArray<{ name: string }>,
  http: { ca?: Buffer; proxy?: ProxyConfig } = {},
): Promise<IndexFile[]> {
  const projects = [...new Set(dists.map((d) => d.name))];
  const pages = await mapLimit(projects, READ_BACK_CONCURRENCY, (project) =>
    listIndexFiles(readUrl, project, http),
  );
  return pages.flat();
}

/** The files of `project` on the index at `readUrl` (an empty list when the index does not know it). */
export async function listIndexFiles(
  readUrl: string,
  project: string,
  options: { ca?: Buffer; proxy?: ProxyConfig; headers?: Record<string, string> } = {},
): Promise<IndexFile[]> {
  const page = new URL(
    `${encodeURIComponent(normalizePythonName(project))}/`,
    readUrl.replace(/\/?$/, '/'),
  ).toString();
  const res = await fetchDigest(page, {
    maxBytes: MAX_PAGE_BYTES,
    keepBody: true,
    ca: options.ca,
    proxy: options.proxy,
    headers: {
      accept: 'application/vnd.pypi.simple.v1+json, text/html;q=0.1',
      ...(options.headers ?? {}),
    },
  });
  if (res.status === 404) return [];
  if (res.status !== 200 || res.tooLarge)
    throw new HttpError(
      'E_INDEX_READ',
      `Could not read ${maskUrl(page)} (${res.tooLarge ? 'too large' : res.status}).`,
      {
        status: res.status,
        hint: 'Check the index URL (--index-url) and that the index serves a simple index there.',
      },
    );
  const text = res.body!.toString('utf8');
  if (/application\/vnd\.pypi\.simple\.v1\+json/.test(res.contentType ?? '')) return fromJson(text, res.url);
  return fromHtml(text, res.url);
}

function fromJson(text: string, base: string): IndexFile[] {
  const data = JSON.parse(text) as {
    files?: Array<{
      filename?: string;
      url?: string;
      hashes?: Record<string, string>;
      size?: number;
      'gpg-sig'?: boolean;
    }>;
  };
  return (data.files ?? [])
    .filter((f) => typeof f.filename === 'string' && typeof f.url === 'string')
    .map((f) => ({
      filename: f.filename!,
      url: new URL(f.url!, base).toString().replace(/#.*$/, ''),
      sha256: f.hashes?.sha256?.toLowerCase(),
      size: typeof f.size === 'number' ? f.size : undefined,
      hasSignature: f['gpg-sig'] === true,
    }));
}

function fromHtml(text: string, base: string): IndexFile[] {
  const out: IndexFile[] = [];
  for (const m of text.matchAll(/<a\s([^>]*)>([^<]*)<\/a>/gi)) {
    const attrs = m[1]!;
    const href = /href\s*=\s*"([^"]*)"/i.exec(attrs)?.[1] ?? /href\s*=\s*'([^']*)'/i.exec(attrs)?.[1];
    if (!href) continue;
    const url = new URL(decodeEntities(href), base);
    const sha256 = /^#?sha256=([0-9a-f]{64})$/i.exec(url.hash)?.[1]?.toLowerCase();
    url.hash = '';
    const filename = decodeURIComponent(url.pathname.split('/').pop() ?? '') || decodeEntities(m[2]!.trim());
    out.push({
      filename,
      url: url.toString(),
      sha256,
      hasSignature: /data-gpg-sig\s*=\s*"true"/i.test(attrs),
    });
  }
  return out;
}

function decodeEntities(s: string): string {
  return s
    .replace(/&amp;/g, '&')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}
