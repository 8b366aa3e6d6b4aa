import type * as openpgp from 'openpgp';
import {
  algorithmFacts,
  boundOnlyBySha1,
  claimedUserID,
  expiryOf,
  keyAlgorithmProblem,
  signingValidityAt,
} from '../key-facts.js';
import { INDEX_FORMAT, INDEX_VERSION, type IndexSigner, type VerifyIndex } from './index-format.js';
import { readKeyPacket } from './key-packet.js';
import { PK_ED25519, PK_EDDSA_LEGACY, PK_RSA } from './packets.js';

export interface BuildIndexOptions {
  /** The keys the full verifier judged with (your own first, then the trusted ones). */
  keys: openpgp.PublicKey[];
  ownFingerprints: string[];
  /** The home's policy pins some project. */
  pins: boolean;
  inputs: string;
  distseal: string;
  now: Date;
}

/**
 * The verification index for a keyring, from the full verifier's own key objects and its own
 * judgements (key-facts.ts). A signing key is listed only when nothing about it is unusual: any
 * revocation, a self-signature that itself expires, a key bound only by SHA-1, an algorithm
 * outside RSA/Ed25519, or a key not valid now leaves it out, and the fast path then steps aside.
 */
export async function buildVerifyIndex(options: BuildIndexOptions): Promise<VerifyIndex> {
  const keyIDs: string[] = [];
  const signers: IndexSigner[] = [];
  for (const key of options.keys) {
    for (const k of key.getKeys()) keyIDs.push(k.getKeyID().toHex().toUpperCase());
    if (!plainKey(key)) continue;
    for (const signing of key.getKeys()) {
      const signer = await signerEntry(key, signing, options);
      if (signer) signers.push(signer);
    }
  }
  return {
    format: INDEX_FORMAT,
    version: INDEX_VERSION,
    distseal: options.distseal,
    inputs: options.inputs,
    pins: options.pins,
    keyIDs,
    signers,
  };
}

/** A key with no revocation anywhere, no expiring self-signature, not SHA-1-bound, a strong primary. */
function plainKey(key: openpgp.PublicKey): boolean {
  if (key.revocationSignatures.length > 0) return false;
  if (key.users.some((u) => u.revocationSignatures.length > 0)) return false;
  if (selfSignatures(key).some((s) => !s.signatureNeverExpires)) return false;
  if (boundOnlyBySha1(key)) return false;
  return keyAlgorithmProblem(key, 'primary key') === undefined;
}

function selfSignatures(key: openpgp.PublicKey): openpgp.SignaturePacket[] {
  const direct = (key as unknown as { directSignatures?: openpgp.SignaturePacket[] }).directSignatures ?? [];
  return [...direct, ...key.users.flatMap((u) => u.selfCertifications)];
}

const time = (d: Date | null | undefined): number => (d ? d.getTime() : NaN);

async function signerEntry(
  key: openpgp.PublicKey,
  signing: openpgp.PublicKey | openpgp.Subkey,
  options: BuildIndexOptions,
): Promise<IndexSigner | undefined> {
  const packet = signing.keyPacket as unknown as { writePublicKey?: () => Uint8Array; version: number };
  if (packet.version !== 4 || ![PK_RSA, PK_EDDSA_LEGACY, PK_ED25519].includes(signing.keyPacket.algorithm))
    return undefined;
  const body = packet.writePublicKey?.() ?? signing.keyPacket.write();
  if (readKeyPacket(body)?.fingerprint !== signing.getFingerprint().toUpperCase()) return undefined;

  const primaryCreated = time(key.keyPacket.created);
  const created: number[] = [primaryCreated, time(signing.keyPacket.created)];
  const expires: number[] = [];
  for (const s of selfSignatures(key)) {
    created.push(time(s.created));
    if (s.keyExpirationTime) expires.push(primaryCreated + s.keyExpirationTime * 1000);
  }
  if (signing !== key) {
    const sub = signing as openpgp.Subkey;
    if (sub.revocationSignatures.length > 0) return undefined;
    if (keyAlgorithmProblem(sub, 'signing subkey')) return undefined;
    for (const b of sub.bindingSignatures) {
      const embedded = b.embeddedSignature;
      if (!b.signatureNeverExpires || (embedded && !embedded.signatureNeverExpires)) return undefined;
      created.push(time(b.created));
      if (embedded) created.push(time(embedded.created));
      if (b.keyExpirationTime) expires.push(time(sub.keyPacket.created) + b.keyExpirationTime * 1000);
    }
  }
  if (created.some(Number.isNaN)) return undefined;
  // After the last self-signature and before the first expiry any of them names, nothing in the
  // key changes, so validity checked at both ends holds for every date between.
  const validFrom = Math.max(...created);
  const validUntil = expires.length > 0 ? Math.min(...expires) : null;
  const now = options.now.getTime();
  if (now < validFrom || (validUntil !== null && now >= validUntil - 1000)) return undefined;
  const keyID = signing.getKeyID();
  const probes = [validFrom, now, ...(validUntil === null ? [] : [validUntil - 1000])];
  for (const at of probes)
    if ((await signingValidityAt(key, keyID, new Date(at))).status !== 'valid') return undefined;

  const userID = await claimedUserID(key);
  const keyExpires = await expiryOf(key);
  if (userID === undefined || keyExpires === undefined) return undefined;
  const facts = algorithmFacts(signing);
  const primaryFingerprint = key.getFingerprint().toUpperCase();
  return {
    packet: Buffer.from(body).toString('base64'),
    primaryFingerprint,
    own: options.ownFingerprints.includes(primaryFingerprint),
    validFrom,
    validUntil,
    userID,
    keyAlgorithm: facts.algorithm,
    ...(facts.bits ? { keyBits: facts.bits } : {}),
    ...(facts.curve ? { keyCurve: facts.curve } : {}),
    keyExpires,
  };
}
