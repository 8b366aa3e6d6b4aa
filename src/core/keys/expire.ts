/**
 * `keys expire`: move a key's expiry by re-signing its self-signatures (the certification of
 * each user ID, any direct-key signature) and its subkey binding signatures with a new key
 * expiration time, as `gpg --quick-set-expire` does. The new signatures copy what the newest
 * valid old one said (key flags, preferences, primary user ID, the subkey's back-signature)
 * and are newer, so gpg, sqv, rnp and openpgp.js take them over the old ones. Old signatures
 * are kept (verifiers pick the newest); revoked user IDs and subkeys are left alone, because a
 * newer self-signature would undo their revocation in some implementations.
 */
import * as openpgp from 'openpgp';
import { KeyError, UsageError } from '../errors.js';
import { parseExpiry } from './expiry.js';

export interface ExpireKeyOptions {
  /** The key as stored (still passphrase-protected); the new signatures are added to a copy of it. */
  stored: openpgp.PrivateKey;
  /** The same key decrypted (at least its primary secret), to make the signatures. */
  decrypted: openpgp.PrivateKey;
  /** never | Nd | Nw | Nm | Ny | YYYY-MM-DD (counted from `date`). */
  expires: string;
  /** The signature time (tests); default now. */
  date?: Date;
}

export interface ExpireKeyResult {
  /** The stored key with the new self-signatures, still encrypted as it was. */
  key: openpgp.PrivateKey;
  fingerprint: string;
  /** ISO date of the new expiry, or null for never. */
  expires: string | null;
  /** How many user ID / direct-key certifications and subkey bindings were re-signed. */
  userIDs: number;
  subkeys: number;
}

type KeyPacket = openpgp.PublicKeyPacket | openpgp.SecretKeyPacket;
type SelfData = { key: KeyPacket; userID?: unknown; userAttribute?: unknown; bind?: unknown };

/** The properties a re-signed self-signature carries over from the one it replaces. */
const CARRIED = [
  'keyFlags',
  'preferredSymmetricAlgorithms',
  'preferredHashAlgorithms',
  'preferredCompressionAlgorithms',
  'preferredAEADAlgorithms',
  'preferredCipherSuites',
  'features',
  'keyServerPreferences',
  'preferredKeyServer',
  'isPrimaryUserID',
  'policyURI',
  'revocationKeyClass',
  'revocationKeyAlgorithm',
  'revocationKeyFingerprint',
  'embeddedSignature',
] as const;

/** Extend (or shorten, or remove) the expiry of a key whose primary secret is here. */
export async function expireKey(options: ExpireKeyOptions): Promise<ExpireKeyResult> {
  const date = options.date ?? new Date();
  const fingerprint = options.stored.getFingerprint().toUpperCase();
  const seconds = parseExpiry(options.expires, date);
  const signer = options.decrypted.keyPacket as openpgp.SecretKeyPacket;
  if (signer.isDummy()) {
    throw new KeyError('E_NO_PRIMARY_SECRET', `Only the subkeys of key ${fingerprint} are here.`, {
      subject: fingerprint,
      hint: 'Extend the key where its primary secret key is kept (the machine that made it), then import the result here.',
    });
  }
  if (!signer.isDecrypted())
    throw new UsageError(`Key ${fingerprint} must be unlocked to change its expiry.`);
  const primary = options.stored.keyPacket;
  const revoked = await options.stored.isRevoked(undefined, undefined, date).catch(() => false);
  if (revoked) {
    throw new KeyError('E_KEY_REVOKED', `Key ${fingerprint} is revoked; its expiry cannot be changed.`, {
      subject: fingerprint,
      hint: 'Create a new key with `distseal keys generate`.',
    });
  }
  // A deep copy through the wire format: the caller's key object is left as it was.
  const key = await openpgp.readPrivateKey({ binaryKey: options.stored.write() });
  const directSignatures = (key as unknown as { directSignatures: openpgp.SignaturePacket[] })
    .directSignatures;
  const until = (created: Date) =>
    seconds === 0 ? 0 : Math.floor((date.getTime() - created.getTime()) / 1000) + seconds;
  if (until(primary.created) > 0xffffffff)
    throw new UsageError(`--expires ${options.expires} is too far from the key's creation for OpenPGP.`);

  let userIDs = 0;
  for (const user of key.users) {
    const data: SelfData = user.userID
      ? { userID: user.userID, key: primary }
      : { userAttribute: user.userAttribute, key: primary };
    if (await anyValid(user.revocationSignatures, primary, openpgp.enums.signature.certRevocation, data))
      continue;
    const latest = await latestValid(user.selfCertifications, primary, data);
    if (!latest) continue;
    user.selfCertifications.push(await resign(latest, signer, data, until(primary.created), date));
    userIDs += 1;
  }
  const direct = await latestValid(directSignatures, primary, { key: primary });
  if (direct && direct.keyExpirationTime !== null) {
    directSignatures.push(await resign(direct, signer, { key: primary }, until(primary.created), date));
    userIDs += 1;
  }
  if (userIDs === 0)
    throw new KeyError('E_NO_SELF_SIGNATURE', `Key ${fingerprint} has no valid user ID to re-sign.`, {
      subject: fingerprint,
    });

  let subkeys = 0;
  for (const subkey of key.subkeys) {
    const data: SelfData = { key: primary, bind: subkey.keyPacket };
    if (await anyValid(subkey.revocationSignatures, primary, openpgp.enums.signature.subkeyRevocation, data))
      continue;
    const latest = await latestValid(subkey.bindingSignatures, primary, data);
    if (!latest) continue;
    subkey.bindingSignatures.push(await resign(latest, signer, data, until(subkey.keyPacket.created), date));
    subkeys += 1;
  }
  const expiry = await key.getExpirationTime().catch(() => null);
  return {
    key,
    fingerprint,
    expires: expiry instanceof Date ? expiry.toISOString() : null,
    userIDs,
    subkeys,
  };
}

/** The newest signature in `signatures` that is a good self-signature over `data` (whatever its time). */
async function latestValid(
  signatures: openpgp.SignaturePacket[],
  primary: KeyPacket,
  data: SelfData,
): Promise<openpgp.SignaturePacket | undefined> {
  const sorted = [...signatures].sort((a, b) => (b.created?.getTime() ?? 0) - (a.created?.getTime() ?? 0));
  for (const sig of sorted) {
    if (sig.signatureType === null) continue;
    if (await goodSelfSignature(sig, primary, sig.signatureType, data)) return sig;
  }
  return undefined;
}

async function anyValid(
  signatures: openpgp.SignaturePacket[],
  primary: KeyPacket,
  type: openpgp.enums.signature,
  data: SelfData,
): Promise<boolean> {
  for (const sig of signatures) if (await goodSelfSignature(sig, primary, type, data)) return true;
  return false;
}

async function goodSelfSignature(
  sig: openpgp.SignaturePacket,
  primary: KeyPacket,
  type: openpgp.enums.signature,
  data: SelfData,
): Promise<boolean> {
  if (!sig.issuerKeyID.equals(primary.getKeyID())) return false;
  try {
    // No date: an old self-signature of an expired key still says what the key was.
    await sig.verify(primary, type, data, null as unknown as Date, undefined, openpgp.config);
    return true;
  } catch {
    return false;
  }
}

async function resign(
  old: openpgp.SignaturePacket,
  signer: openpgp.SecretKeyPacket,
  data: SelfData,
  keyExpirationTime: number,
  date: Date,
): Promise<openpgp.SignaturePacket> {
  const sig = new openpgp.SignaturePacket();
  const target = sig as unknown as Record<string, unknown>;
  const source = old as unknown as Record<string, unknown>;
  for (const name of CARRIED) target[name] = source[name];
  sig.signatureType = old.signatureType;
  sig.publicKeyAlgorithm = signer.algorithm;
  // SHA-512 (what `keys generate` uses): never weaker than the old one, and read by GnuPG 2.2.
  sig.hashAlgorithm = openpgp.enums.hash.sha512;
  if (keyExpirationTime > 0) {
    sig.keyExpirationTime = keyExpirationTime;
    sig.keyNeverExpires = false;
  }
  // Never sign at or before the old signature: verifiers take the newest one.
  const created =
    old.created && old.created.getTime() >= date.getTime() ? new Date(old.created.getTime() + 1000) : date;
  await (
    sig.sign as unknown as (
      k: openpgp.SecretKeyPacket,
      d: unknown,
      t: Date,
      detached: boolean,
      c: openpgp.Config,
    ) => Promise<void>
  ).call(sig, signer, data, created, false, openpgp.config);
  return sig;
}
