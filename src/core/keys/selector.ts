import type * as openpgp from 'openpgp';
import { KeyError, UsageError } from '../errors.js';
import type { Logger } from '../logger.js';

/** What a selector is matched against: a key's fingerprints and user IDs. */
export interface SelectableKey {
  fingerprint: string;
  subkeyFingerprints: string[];
  userIDs: string[];
  /** Why the key can no longer sign or be relied on (`revoked`, `expired`), if so. */
  unusable?: string;
}

/** `revoked` or `expired` when the key can no longer sign, else undefined. */
export async function unusableReason(key: openpgp.Key, now = new Date()): Promise<string | undefined> {
  if (await key.isRevoked().catch(() => false)) return 'revoked';
  const expiry = await key.getExpirationTime().catch(() => null);
  return expiry instanceof Date && expiry.getTime() <= now.getTime() ? 'expired' : undefined;
}

/** `items` with what selectKey matches against, read from each one's key. */
export async function selectable<T extends { key: openpgp.Key }>(
  items: T[],
  now = new Date(),
): Promise<Array<T & SelectableKey>> {
  return Promise.all(
    items.map(async (item) => {
      const key = item.key;
      return {
        ...item,
        fingerprint: key.getFingerprint().toUpperCase(),
        subkeyFingerprints: key.subkeys.map((s) => s.getFingerprint().toUpperCase()),
        userIDs: key.getUserIDs(),
        unusable: await unusableReason(key, now),
      };
    }),
  );
}

/** Hex digits a fingerprint suffix must have to be accepted (a "long key ID"). */
export const MIN_SUFFIX_HEX = 16;

/** Normalise a hex selector: drop spaces and a 0x prefix, uppercase. Undefined when not hex. */
export function hexSelector(selector: string): string | undefined {
  const compact = selector.replace(/\s+/g, '').replace(/^0x/i, '');
  return /^[0-9A-Fa-f]+$/.test(compact) ? compact.toUpperCase() : undefined;
}

function emailOf(userID: string): string | undefined {
  const m = /<([^<>]+)>\s*$/.exec(userID);
  return m
    ? m[1]!.toLowerCase()
    : /^[^\s@<>]+@[^\s@<>]+$/.test(userID.trim())
      ? userID.trim().toLowerCase()
      : undefined;
}

/**
 * Find the one key a user means: a full fingerprint, a unique suffix of at least 16 hex digits
 * (of the primary or a subkey), an exact e-mail, or a unique user ID substring (case-insensitive).
 * `where` names the collection for messages ("your keys", "the trusted keyring").
 */
export function selectKey<T extends SelectableKey>(
  keys: T[],
  selector: string,
  where: string,
  logger?: Logger,
): T {
  const trimmed = selector.trim();
  if (trimmed === '')
    throw new UsageError('An empty key selector was given.', {
      hint: 'Name a key by fingerprint, e-mail or user ID.',
    });
  const hex = hexSelector(trimmed);
  let hits: T[];
  if (hex && hex.length >= MIN_SUFFIX_HEX) {
    hits = keys.filter(
      (k) => k.fingerprint.endsWith(hex) || k.subkeyFingerprints.some((s) => s.endsWith(hex)),
    );
  } else if (hex && hex.length >= 8 && !/[G-Zg-z@\s]/.test(trimmed)) {
    throw new UsageError(
      `"${trimmed}" is too short to name a key safely: use the full fingerprint or at least ${MIN_SUFFIX_HEX} hex digits.`,
      {
        hint: 'Short key IDs collide easily. Run `distseal keys list` to see full fingerprints.',
      },
    );
  } else {
    const needle = trimmed.toLowerCase().replace(/^<|>$/g, '');
    hits = keys.filter((k) => k.userIDs.some((u) => emailOf(u) === needle));
    if (hits.length === 0)
      hits = keys.filter((k) => k.userIDs.some((u) => u.toLowerCase().includes(trimmed.toLowerCase())));
    // A name outlives its keys: when it names one valid key and others that are revoked or
    // expired, it means the valid one (issue 15 item 9). Said, so that nobody is surprised.
    const usable = hits.filter((k) => !k.unusable);
    if (hits.length > 1 && usable.length === 1) {
      for (const k of hits.filter((h) => h.unusable))
        logger?.info(
          `"${trimmed}" also names ${k.fingerprint}, which is ${k.unusable}: using ${usable[0]!.fingerprint}.`,
        );
      hits = usable;
    }
  }
  if (hits.length === 1) return hits[0]!;
  if (hits.length === 0) {
    throw new KeyError('E_KEY_NOT_FOUND', `No key matching "${trimmed}" in ${where}.`, {
      subject: trimmed,
      hint: where.includes('trusted')
        ? 'Run `distseal trust list` to see the trusted keys.'
        : 'Run `distseal keys list` to see your keys, or `distseal keys import FILE` to add one.',
    });
  }
  throw new KeyError(
    'E_KEY_AMBIGUOUS',
    `"${trimmed}" matches ${hits.length} keys in ${where}: ${hits.map((k) => k.fingerprint).join(', ')}.`,
    {
      subject: trimmed,
      hint: 'Name the key by its full fingerprint.',
    },
  );
}
