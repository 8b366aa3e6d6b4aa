import type { KeyStore } from '../keys/store.js';
import { removePins } from './pins.js';
import { dropSources, readSources, sourcesPath, writeSources } from './sources.js';

export interface RemoveTrustedResult {
  fingerprint: string;
  userId?: string;
  /** Projects the key was pinned to. */
  unpinned: string[];
  /** Projects left with no pinned key. */
  emptied: string[];
}

/**
 * Remove a key from the trusted keyring, from every project pin and from the record of where it
 * came from (so a later `trust add` of the same key by file does not inherit old sources), in one
 * transaction under the home's lock.
 */
export async function removeTrusted(store: KeyStore, selector: string): Promise<RemoveTrustedResult> {
  const key = await store.findTrusted(selector);
  const sourcesFile = sourcesPath(store.path('trusted'));
  const pins = await store.transaction(async (tx) => {
    const result = removePins(await store.trustPolicy(), key.fingerprint);
    const sources = await readSources(sourcesFile);
    await tx.deleteTrusted(key.fingerprint);
    if (result.unpinned.length > 0) await tx.savePolicy(result.policy);
    const kept = dropSources(sources, key.fingerprint);
    if (Object.keys(kept.keys).length !== Object.keys(sources.keys).length)
      await writeSources(sourcesFile, kept);
    return result;
  });
  return {
    fingerprint: key.fingerprint,
    userId: key.key.getUserIDs()[0],
    unpinned: pins.unpinned,
    emptied: pins.emptied,
  };
}
