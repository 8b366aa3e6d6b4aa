/**
 * The simple repository API, read side: PEP 691 JSON first (asked for with Accept), the PEP 503
 * HTML page when the index only speaks HTML. Both become one list of files with their hashes and
 * whether the index says a signature is published (PEP 503 `data-gpg-sig`, PEP 691 `gpg-sig`).
 */
import { InputError, HttpError } from '../errors.js';
import { normalizePythonName } from '../names.js';
import { maskUrl } from '../net/http.js';
import { fetchBytes } from './fetch.js';
import type { FetchOptions } from './open-url.js';

export interface IndexFile {
  filename: string;
  /** Absolute URL without the hash fragment. */
  url: string;
  /** Algorithm (lowercase) -> lowercase hex digest, from PEP 691 `hashes` or the `#sha256=` fragment. */
  hashes: Record<string, string>;
  /** true/false when the index says; undefined when it does not say. */
  gpgSig?: boolean;
  /** PEP 700 `size`, when given. */
  size?: number;
  yanked: boolean;
}

export interface ProjectPage {
  /** The project page URL (masked). */
  url: string;
  format: 'json' | 'html';
  files: IndexFile[];
}

/** An index page larger than this is refused: PyPI's biggest project pages are a few MiB. */
export const MAX_INDEX_PAGE_BYTES = 32 << 20;

/** PEP 691 content negotiation: JSON preferred, HTML accepted. */
export const SIMPLE_ACCEPT =
  'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01';

const HEX = /^[0-9a-f]+$/i;

/** The project page URL: INDEX/normalized-name/ (PEP 503). */
export function projectUrl(indexUrl: string, name: string): string {
  return `${indexUrl.replace(/\/*$/, '/')}${encodeURIComponent(normalizePythonName(name))}/`;
}

/** Fetch and parse a project's page. A 404 is an InputError (no such project on this index). */
export async function fetchProjectPage(
  indexUrl: string,
  name: string,
  options: FetchOptions = {},
): Promise<ProjectPage> {
  const url = projectUrl(indexUrl, name);
  const got = await fetchBytes(url, MAX_INDEX_PAGE_BYTES, {
    ...options,
    headers: { accept: SIMPLE_ACCEPT, ...(options.headers ?? {}) },
  });
  if (!got.body)
    throw new InputError(
      'E_NO_PROJECT',
      `The index has no project ${name} (${maskUrl(url)} answered ${got.status}).`,
      {
        subject: name,
        hint: 'Check the project name and --index-url (it should end in /simple/).',
      },
    );
  const text = got.body.toString('utf8');
  if (/^application\/vnd\.pypi\.simple\.v1\+json/i.test(got.contentType))
    return { url: maskUrl(got.url), format: 'json', files: parseSimpleJson(text, got.url) };
  if (/json/i.test(got.contentType))
    throw new HttpError(
      'E_INDEX_FORMAT',
      `${maskUrl(got.url)} answered ${got.contentType}, not a simple index page.`,
      {
        url: maskUrl(got.url),
      },
    );
  return { url: maskUrl(got.url), format: 'html', files: parseSimpleHtml(text, got.url) };
}

function badPage(url: string, why: string): HttpError {
  return new HttpError('E_INDEX_FORMAT', `${maskUrl(url)} is not a valid simple index page: ${why}.`, {
    url: maskUrl(url),
    hint: 'Check --index-url; it must point at a PEP 503 / PEP 691 simple index.',
  });
}

function cleanHashes(raw: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [alg, value] of Object.entries(raw))
    if (typeof value === 'string' && HEX.test(value) && /^[a-z0-9_]+$/i.test(alg))
      out[alg.toLowerCase()] = value.toLowerCase();
  return out;
}

/** A file URL without its fragment, and the hash the fragment carried (PEP 503 `#sha256=...`). */
function splitFragment(href: string, base: string): { url: string; hashes: Record<string, string> } {
  const url = new URL(href, base);
  const fragment = /^#([a-z0-9_]+)=([0-9a-f]+)$/i.exec(url.hash);
  url.hash = '';
  return { url: url.toString(), hashes: fragment ? cleanHashes({ [fragment[1]!]: fragment[2] }) : {} };
}

/** PEP 691 JSON (api-version 1.x). */
export function parseSimpleJson(text: string, pageUrl: string): IndexFile[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw badPage(pageUrl, `invalid JSON (${(error as Error).message})`);
  }
  const doc = data as { meta?: { 'api-version'?: unknown }; files?: unknown };
  const version = String(doc?.meta?.['api-version'] ?? '');
  if (!/^1(\.\d+)*$/.test(version)) throw badPage(pageUrl, `unsupported api-version "${version}"`);
  if (!Array.isArray(doc.files)) throw badPage(pageUrl, 'no "files" list');
  return doc.files.map((f: Record<string, unknown>) => {
    if (typeof f?.filename !== 'string' || typeof f.url !== 'string')
      throw badPage(pageUrl, 'a file without filename or url');
    const { url, hashes } = splitFragment(f.url, pageUrl);
    const fromJson =
      typeof f.hashes === 'object' && f.hashes !== null
        ? cleanHashes(f.hashes as Record<string, unknown>)
        : {};
    return {
      filename: f.filename,
      url,
      hashes: { ...hashes, ...fromJson },
      gpgSig: typeof f['gpg-sig'] === 'boolean' ? f['gpg-sig'] : undefined,
      size: typeof f.size === 'number' && Number.isSafeInteger(f.size) && f.size >= 0 ? f.size : undefined,
      yanked: f.yanked !== undefined && f.yanked !== false,
    };
  });
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code =
        body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[body.toLowerCase()] ?? whole;
  });
}

function attributes(tag: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of tag.matchAll(/([a-z_:][-a-z0-9_:.]*)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/gi))
    attrs[m[1]!.toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  return attrs;
}

/** PEP 503 HTML: every `<a href>` is a file; its text is the file name. */
export function parseSimpleHtml(text: string, pageUrl: string): IndexFile[] {
  const baseTag = /<base\b([^>]*)>/i.exec(text);
  const base =
    baseTag && attributes(baseTag[1]!).href
      ? new URL(attributes(baseTag[1]!).href!, pageUrl).toString()
      : pageUrl;
  const files: IndexFile[] = [];
  for (const m of text.matchAll(/<a\b([^>]*)>([\s\S]*?)<\/a\s*>/gi)) {
    const attrs = attributes(m[1]!);
    if (!attrs.href) continue;
    const filename = decodeEntities(m[2]!.replace(/<[^>]*>/g, '')).trim();
    const { url, hashes } = splitFragment(attrs.href, base);
    const sig = attrs['data-gpg-sig'];
    files.push({
      filename,
      url,
      hashes,
      gpgSig: sig === 'true' ? true : sig === 'false' ? false : undefined,
      yanked: 'data-yanked' in attrs,
    });
  }
  return files;
}
