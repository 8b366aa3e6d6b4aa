import { importKeys, type ImportedKey } from '../keys/import.js';
import type { KeyStore } from '../keys/store.js';
import type { Logger } from '../logger.js';
import { addPins } from './pins.js';
import type { TrustPolicy } from './policy.js';

export interface TrustKeysOptions {
  /** Names the input in messages (a path, "stdin"). */
  source: string;
  /** Canonical project specs to pin the keys to (see canonicalProjects); none pins nothing. */
  projects: string[];
  logger?: Logger;
  /** More writes after the keys, in the same locked transaction (e.g. recording where they came from). */
  afterKeys?: (fingerprints: string[]) => Promise<void>;
}

/**
 * `trust add`: put every public key in `data` into the trusted keyring and pin it to `projects`,
 * in one locked transaction. The pins are written first: killed in between, the home holds a
 * pin whose key is missing (the project verifies with nothing: fail closed), never a trusted key
 * without its pin (which could sign any unpinned project).
 */
export async function trustKeys(
  store: KeyStore,
  data: Uint8Array,
  options: TrustKeysOptions,
): Promise<{ keys: ImportedKey[]; policy: TrustPolicy }> {
  let policy: TrustPolicy | undefined;
  const keys = await importKeys(store, data, {
    source: options.source,
    into: 'trusted',
    logger: options.logger,
    writeFirst: async (tx, fingerprints) => {
      policy = await store.trustPolicy();
      if (options.projects.length === 0) return;
      policy = addPins(policy, options.projects, fingerprints);
      await tx.savePolicy(policy);
    },
    alsoWrite: options.afterKeys
      ? (_tx, imported) => options.afterKeys!(imported.map((k) => k.fingerprint))
      : undefined,
  });
  return { keys, policy: policy ?? (await store.trustPolicy()) };
}
