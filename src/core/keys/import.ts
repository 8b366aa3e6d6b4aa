import type * as openpgp from 'openpgp';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { hasAnySecret, keyInfo, type KeyInfo } from './info.js';
import { mergeKey } from './merge.js';
import { readKeysFromBytes } from './parse.js';
import { unusableReason } from './selector.js';
import type { KeyStore } from './store.js';
import type { StoreTransaction } from './transaction.js';

export interface ImportOptions {
  /** Names the input in messages (a path, "stdin", "gpg --export ID"). */
  source: string;
  /** Own keys (default) or the trusted keyring (public parts only). */
  into?: 'own' | 'trusted';
  logger?: Logger;
  /**
   * Writes to make in the same locked transaction BEFORE any key file, given the fingerprints
   * about to be written. Trust pins go here: a crash between the two leaves a pin whose key is
   * missing (nothing verifies for that project: fail closed), never a trusted key without its pin.
   */
  writeFirst?: (tx: StoreTransaction, fingerprints: string[]) => Promise<void>;
  /** More writes to make in the same locked transaction, after the keys (e.g. where they came from). */
  alsoWrite?: (tx: StoreTransaction, imported: ImportedKey[]) => Promise<void>;
}

export interface ImportedKey {
  fingerprint: string;
  userIDs: string[];
  status: 'new' | 'updated' | 'unchanged';
  changes: string[];
  hasSecret: boolean;
  /** True when this import made it the default signing key (the first key with a secret). */
  madeDefault: boolean;
  file: string;
  info: KeyInfo;
}

/** Fold several copies of one key in a file (say, a public and a secret block) into one. */
async function collapse(keys: openpgp.Key[]): Promise<openpgp.Key[]> {
  const byFpr = new Map<string, openpgp.Key>();
  for (const key of keys) {
    const fpr = key.getFingerprint().toUpperCase();
    byFpr.set(fpr, (await mergeKey(byFpr.get(fpr), key)).key);
  }
  return [...byFpr.values()];
}

/**
 * Import every key in `data` into the store, merging with keys already there. All keys are
 * parsed and merged in memory first, so a damaged file changes nothing; then each is written
 * atomically under the home's lock. Into the trusted keyring only public parts are stored.
 */
export async function importKeys(
  store: KeyStore,
  data: Uint8Array,
  options: ImportOptions,
): Promise<ImportedKey[]> {
  const logger = options.logger ?? silentLogger;
  const into = options.into ?? 'own';
  const parsed = await collapse(await readKeysFromBytes(data, options.source));
  return store.transaction(async (tx) => {
    const existing = into === 'own' ? await store.loadOwn() : await store.loadTrusted();
    let defaultFpr = into === 'own' ? await store.defaultFingerprint() : undefined;
    const plans: Array<{ key: openpgp.Key; status: ImportedKey['status']; changes: string[] }> = [];
    for (const incoming of parsed) {
      const fpr = incoming.getFingerprint().toUpperCase();
      let candidate = incoming;
      if (into === 'trusted' && incoming.isPrivate()) {
        logger.warn(
          `${options.source} holds the SECRET key ${fpr}; only its public part goes into the trusted keyring.`,
        );
        candidate = incoming.toPublic();
      }
      const merged = await mergeKey(existing.find((k) => k.fingerprint === fpr)?.key, candidate);
      plans.push({ key: merged.key, status: merged.status, changes: merged.changes });
    }
    if (options.writeFirst)
      await options.writeFirst(
        tx,
        plans.map((p) => p.key.getFingerprint().toUpperCase()),
      );
    const results: ImportedKey[] = [];
    for (const plan of plans) {
      const fpr = plan.key.getFingerprint().toUpperCase();
      const file =
        plan.status === 'unchanged'
          ? store.path(into === 'own' ? 'keys' : 'trusted', `${fpr}.asc`)
          : into === 'own'
            ? await tx.saveOwn(plan.key)
            : await tx.saveTrusted(plan.key);
      let madeDefault = false;
      // An expired or revoked key cannot sign: it does not become the default (issue 15 item 10).
      const unusable = await unusableReason(plan.key);
      if (into === 'own' && defaultFpr === undefined && hasAnySecret(plan.key) && unusable)
        logger.warn(`${fpr} is ${unusable}, so it was not made the default signing key.`);
      if (into === 'own' && defaultFpr === undefined && hasAnySecret(plan.key) && !unusable) {
        await tx.setDefault(fpr);
        defaultFpr = fpr;
        madeDefault = true;
      }
      const info = await keyInfo(plan.key, { isDefault: defaultFpr === fpr });
      if (info.hasSecret && !info.passphraseProtected)
        logger.warn(
          `The secret key ${fpr} has no passphrase; protect it with \`distseal keys passwd ${fpr}\`.`,
        );
      results.push({
        fingerprint: fpr,
        userIDs: info.userIDs,
        status: plan.status,
        changes: plan.changes,
        hasSecret: info.hasSecret,
        madeDefault,
        file,
        info,
      });
    }
    if (options.alsoWrite) await options.alsoWrite(tx, results);
    return results;
  });
}
