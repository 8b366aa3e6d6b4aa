import type * as openpgp from 'openpgp';
import { DistsealError, KeyError } from '../errors.js';
import { mergeKey } from '../keys/merge.js';
import type { KeyStore } from '../keys/store.js';
import { silentLogger } from '../logger.js';
import { normalizeFingerprint } from '../trust/policy.js';
import {
  markRefreshed,
  readSources,
  sourcesPath,
  writeSources,
  type SourceRecord,
} from '../trust/sources.js';
import { fetchPublishedKeys, pickFingerprint, type KeyFetchOptions, type KeySource } from './key-fetch.js';

export interface RefreshOptions extends KeyFetchOptions {
  /** Only this primary fingerprint (default: every trusted key with a recorded source). */
  fingerprint?: string;
  now?: Date;
}

export interface RefreshResult {
  fingerprint: string;
  status: 'updated' | 'unchanged' | 'failed' | 'no-source';
  /** What the merge added ("now revoked", "new subkey ...", "expiry ... -> ..."). */
  changes: string[];
  /** The sources asked, and what each answered. */
  sources: Array<{ source: SourceRecord; ok: boolean; message?: string }>;
}

function asSource(r: SourceRecord): KeySource {
  return r.kind === 'wkd' ? { kind: 'wkd', email: r.email! } : { kind: r.kind, url: r.url! };
}

/**
 * `distseal trust refresh [FPR]`: fetch each trusted key again from where it came from and merge
 * what is new (revocations, new subkeys and user IDs, extended expiry) into the stored copy. Only
 * the key with the same primary fingerprint is ever taken from an answer: a source that now
 * serves another key changes nothing and is reported as failed. Writes happen in one locked
 * transaction; a source that cannot be reached leaves the stored key as it was.
 */
export async function refreshTrusted(
  store: KeyStore,
  options: RefreshOptions = {},
): Promise<RefreshResult[]> {
  const logger = options.logger ?? silentLogger;
  const file = sourcesPath(store.path('trusted'));
  const sources = await readSources(file);
  const trusted = await store.loadTrusted();
  const want = options.fingerprint ? normalizeFingerprint(options.fingerprint) : undefined;
  const targets = want ? trusted.filter((k) => k.fingerprint === want) : trusted;
  if (want && targets.length === 0)
    throw new KeyError('E_KEY_NOT_FOUND', `${want} is not in the trusted keyring.`, {
      subject: want,
      hint: 'See `distseal trust list` for the trusted fingerprints.',
    });
  const now = options.now ?? new Date();
  const plans: Array<{ result: RefreshResult; incoming: openpgp.Key[] }> = [];
  for (const stored of targets) {
    const records = sources.keys[stored.fingerprint] ?? [];
    const result: RefreshResult = {
      fingerprint: stored.fingerprint,
      status: 'no-source',
      changes: [],
      sources: [],
    };
    let current: openpgp.Key = stored.key;
    const incomingKeys: openpgp.Key[] = [];
    for (const record of records) {
      try {
        const fetched = await fetchPublishedKeys(asSource(record), {
          ...options,
          fingerprint: stored.fingerprint,
        });
        const incoming = pickFingerprint(fetched, stored.fingerprint);
        incomingKeys.push(incoming);
        const merged = await mergeKey(current, incoming);
        current = merged.key;
        result.changes.push(...merged.changes.filter((c) => !result.changes.includes(c)));
        result.sources.push({ source: record, ok: true });
      } catch (error) {
        if (!(error instanceof DistsealError)) throw error;
        logger.warn(`refresh of ${stored.fingerprint} from ${record.email ?? record.url}: ${error.message}`);
        result.sources.push({ source: record, ok: false, message: error.message });
      }
    }
    if (records.length > 0)
      result.status = result.sources.every((s) => !s.ok)
        ? 'failed'
        : current !== stored.key && result.changes.length > 0
          ? 'updated'
          : 'unchanged';
    plans.push({ result, incoming: result.status === 'updated' ? incomingKeys : [] });
  }
  await store.transaction(async (tx) => {
    // Merge again into the copy stored now (under the lock), so a concurrent change is kept.
    const stored = await store.loadTrusted();
    let doc = await readSources(file);
    for (const { result, incoming } of plans) {
      const base = stored.find((k) => k.fingerprint === result.fingerprint)?.key;
      if (base && incoming.length > 0) {
        let key = base;
        for (const k of incoming) key = (await mergeKey(key, k)).key;
        await tx.saveTrusted(key);
      }
      for (const s of result.sources) if (s.ok) doc = markRefreshed(doc, result.fingerprint, s.source, now);
    }
    if (plans.some((p) => p.result.sources.some((s) => s.ok))) await writeSources(file, doc);
  });
  return plans.map((p) => p.result);
}
