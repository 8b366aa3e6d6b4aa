/**
 * Where each trusted key came from, so `trust refresh` can fetch it again: `trusted/sources.json`
 * beside policy.json, written atomically under the home's lock (inside a store transaction).
 *
 *   { "version": 1, "keys": { "<FPR>": [ { "kind": "wkd", "email": "...", "added": "ISO" } ] } }
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { errnoCode, InputError } from '../errors.js';
import { wrapFsError, writeFileAtomic } from '../io/atomic.js';
import { normalizeFingerprint } from './policy.js';

export type SourceKind = 'wkd' | 'keyserver' | 'url';

export interface SourceRecord {
  kind: SourceKind;
  /** For wkd. */
  email?: string;
  /** For keyserver (its base URL) and url. */
  url?: string;
  added: string;
  refreshed?: string;
}

export interface TrustSources {
  version: 1;
  keys: Record<string, SourceRecord[]>;
}

export const SOURCES_FILE = 'sources.json';

/** The sources file of a home: beside policy.json in the trusted directory. */
export function sourcesPath(trustedDir: string): string {
  return path.join(trustedDir, SOURCES_FILE);
}

function damaged(file: string, why: string): InputError {
  return new InputError('E_STORE_DAMAGED', `${file} is damaged: ${why}.`, {
    subject: file,
    hint: 'Fix or delete it (keys stay trusted; only `trust refresh` needs it), then add the sources again.',
  });
}

/** Read the sources file (empty when it does not exist); a malformed one is an error naming it. */
export async function readSources(file: string): Promise<TrustSources> {
  const text = await fs.readFile(file, 'utf8').catch((error: unknown) => {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw wrapFsError(error, file, 'read');
  });
  if (text === undefined) return { version: 1, keys: {} };
  let data: { version?: unknown; keys?: unknown };
  try {
    data = JSON.parse(text) as typeof data;
  } catch (error) {
    throw damaged(file, `not JSON (${(error as Error).message})`);
  }
  if (data?.version !== 1 || typeof data.keys !== 'object' || data.keys === null || Array.isArray(data.keys))
    throw damaged(file, 'not a version 1 sources file');
  const keys: Record<string, SourceRecord[]> = {};
  for (const [fpr, list] of Object.entries(data.keys as Record<string, unknown>)) {
    if (!/^([0-9A-F]{40}|[0-9A-F]{64})$/.test(fpr) || !Array.isArray(list))
      throw damaged(file, `bad entry ${fpr}`);
    keys[fpr] = list.map((r: Record<string, unknown>) => {
      const kind = r?.kind;
      if (
        kind === 'wkd'
          ? typeof r.email !== 'string'
          : kind === 'keyserver' || kind === 'url'
            ? typeof r.url !== 'string'
            : true
      )
        throw damaged(file, `bad source for ${fpr}`);
      return {
        kind: kind as SourceKind,
        ...(typeof r.email === 'string' ? { email: r.email } : {}),
        ...(typeof r.url === 'string' ? { url: r.url } : {}),
        added: typeof r.added === 'string' ? r.added : '',
        ...(typeof r.refreshed === 'string' ? { refreshed: r.refreshed } : {}),
      };
    });
  }
  return { version: 1, keys };
}

function same(a: SourceRecord, b: Pick<SourceRecord, 'kind' | 'email' | 'url'>): boolean {
  return a.kind === b.kind && (a.email ?? '') === (b.email ?? '') && (a.url ?? '') === (b.url ?? '');
}

/** The sources with `source` recorded for `fingerprint` (once; a repeat only updates `refreshed`). */
export function addSource(
  doc: TrustSources,
  fingerprint: string,
  source: Pick<SourceRecord, 'kind' | 'email' | 'url'>,
  now: Date,
): TrustSources {
  const fpr = normalizeFingerprint(fingerprint);
  const list = [...(doc.keys[fpr] ?? [])];
  const i = list.findIndex((r) => same(r, source));
  if (i >= 0) list[i] = { ...list[i]!, refreshed: now.toISOString() };
  else list.push({ ...source, added: now.toISOString() });
  return { version: 1, keys: { ...doc.keys, [fpr]: list } };
}

/** Mark a source as fetched again at `now`. */
export function markRefreshed(
  doc: TrustSources,
  fingerprint: string,
  source: SourceRecord,
  now: Date,
): TrustSources {
  return addSource(doc, fingerprint, source, now);
}

/** The sources without `fingerprint` (after `trust remove`). */
export function dropSources(doc: TrustSources, fingerprint: string): TrustSources {
  const keys = { ...doc.keys };
  delete keys[normalizeFingerprint(fingerprint)];
  return { version: 1, keys };
}

/** Write atomically; call inside a store transaction (the home's lock is held). */
export async function writeSources(file: string, doc: TrustSources): Promise<void> {
  const sorted = Object.fromEntries(Object.entries(doc.keys).sort(([a], [b]) => a.localeCompare(b)));
  await writeFileAtomic(file, `${JSON.stringify({ version: 1, keys: sorted }, null, 2)}\n`, { mode: 0o644 });
}
