import type * as openpgp from 'openpgp';
import { keyInfo, packetHasSecret, type KeyInfo } from './info.js';

/** How much secret material a key carries: 2 per real primary secret, 1 per real subkey secret. */
function secretWeight(key: openpgp.Key): number {
  return (
    (packetHasSecret(key.keyPacket) ? 2 : 0) + key.subkeys.filter((s) => packetHasSecret(s.keyPacket)).length
  );
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
}

export interface MergeResult {
  key: openpgp.Key;
  status: 'new' | 'updated' | 'unchanged';
  /** What the merge added, in words ("new user ID ...", "secret key added", "now revoked"). */
  changes: string[];
}

/**
 * Merge `incoming` into `existing` (same primary fingerprint), as gpg --import does: new user
 * IDs, subkeys, certifications and revocations are added, a later self-signature (an extended
 * expiry) wins, and secret material is kept or added, never dropped. Importing the same key
 * again changes nothing (status "unchanged").
 */
export async function mergeKey(
  existing: openpgp.Key | undefined,
  incoming: openpgp.Key,
): Promise<MergeResult> {
  if (!existing) return { key: incoming, status: 'new', changes: [] };
  // The side with more secret material is the base, so a secret import upgrades a public one
  // and a public re-import never strips a secret (openpgp.js keeps the destination's packets).
  const [base, other] =
    secretWeight(incoming) > secretWeight(existing) ? [incoming, existing] : [existing, incoming];
  const merged = (await base.update(other as openpgp.PrivateKey)) as openpgp.Key;
  if (sameBytes(merged.write(), existing.write())) return { key: existing, status: 'unchanged', changes: [] };
  const changes = describeChanges(await keyInfo(existing), await keyInfo(merged));
  return {
    key: merged,
    status: changes.length > 0 || !sameBytes(merged.write(), existing.write()) ? 'updated' : 'unchanged',
    changes: changes.length ? changes : ['new signatures'],
  };
}

function describeChanges(before: KeyInfo, after: KeyInfo): string[] {
  const changes: string[] = [];
  for (const uid of after.userIDs) if (!before.userIDs.includes(uid)) changes.push(`new user ID "${uid}"`);
  for (const sub of after.subkeys)
    if (!before.subkeys.some((s) => s.fingerprint === sub.fingerprint))
      changes.push(`new subkey ${sub.fingerprint}`);
  if (!before.hasSecret && after.hasSecret) changes.push('secret key added');
  else if (before.primarySecret === false && after.primarySecret) changes.push('primary secret key added');
  if (!before.revoked && after.revoked) changes.push('now revoked');
  for (const sub of after.subkeys) {
    const old = before.subkeys.find((s) => s.fingerprint === sub.fingerprint);
    if (old && !old.revoked && sub.revoked) changes.push(`subkey ${sub.fingerprint} now revoked`);
    if (old && old.expires !== sub.expires)
      changes.push(`subkey ${sub.fingerprint} expiry ${old.expires ?? 'never'} -> ${sub.expires ?? 'never'}`);
  }
  if (before.expires !== after.expires)
    changes.push(`expiry ${before.expires ?? 'never'} -> ${after.expires ?? 'never'}`);
  return changes;
}
