import { constants, createHash, publicDecrypt, verify, type Hash } from 'node:crypto';
import fs from 'node:fs';
import { GOOD } from '../reasons.js';
import type { SignatureReport } from '../signature-report.js';
import type { VerifyReport } from '../verify-file.js';
import { dearmorSignature, MAX_FAST_SIGNATURE_BYTES } from './armor.js';
import { FAST_PROGRESS_MIN_BYTES, fileProgress, hashOpenFile, type ProgressSink } from './hash-file.js';
import type { IndexSigner, VerifyIndex } from './index-format.js';
import { readKeyPacket, type FastKey } from './key-packet.js';
import { FAST_HASHES, parseSignaturePacket, PK_RSA, type FastSignature } from './packets.js';

/** The index's signers with their keys read (and fingerprints recomputed) once per run. */
export interface FastKeyring {
  byFingerprint: Map<string, { signer: IndexSigner; key: FastKey }>;
  keyIDCount: Map<string, number>;
}

/** The answer for one file: the full verifier's good report, or why the fast path steps aside. */
export type FastOutcome = { ok: true; report: VerifyReport } | { ok: false; why: string };

/** Read the index's keys; undefined when any entry is damaged or listed twice (trust none of it). */
export function fastKeyring(index: VerifyIndex): FastKeyring | undefined {
  const byFingerprint: FastKeyring['byFingerprint'] = new Map();
  for (const signer of index.signers) {
    const key = readKeyPacket(new Uint8Array(Buffer.from(signer.packet, 'base64')));
    if (!key || byFingerprint.has(key.fingerprint)) return undefined;
    byFingerprint.set(key.fingerprint, { signer, key });
  }
  const keyIDCount = new Map<string, number>();
  for (const id of index.keyIDs) keyIDCount.set(id, (keyIDCount.get(id) ?? 0) + 1);
  return { byFingerprint, keyIDCount };
}

const no = (why: string): FastOutcome => ({ ok: false, why });
const exists = (p: string) => fs.statSync(p, { throwIfNoEntry: false }) !== undefined;

/** DER DigestInfo prefixes of EMSA-PKCS1-v1_5 (RFC 8017 section 9.2, note 1). */
const DIGEST_INFO: Record<string, string> = {
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

/**
 * Verify `file` (an absolute path) against FILE.asc (else FILE.sig) on the fast path: one v4
 * binary signature by a signer in the index, valid when made and now, checked with node:crypto.
 * Only a good signature gives `ok: true`, with the report the full verifier makes for it; every
 * other case, bad signatures included, is `ok: false`. Throws only on I/O errors (callers catch).
 * A file of FAST_PROGRESS_MIN_BYTES or more needs `progress`, which gets the full path's events
 * for it (the finished one only with a good answer); without it the answer is `ok: false`.
 */
export function fastVerifyFile(
  file: string,
  keyring: FastKeyring,
  now: Date,
  progress?: ProgressSink,
): FastOutcome {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    return verifyOpenFile(file, fd, keyring, now, progress);
  } finally {
    fs.closeSync(fd);
  }
}

function verifyOpenFile(
  file: string,
  fd: number,
  keyring: FastKeyring,
  now: Date,
  sink: ProgressSink | undefined,
): FastOutcome {
  const stat = fs.fstatSync(fd);
  if (!stat.isFile()) return no('not a regular file');
  const large = stat.size >= FAST_PROGRESS_MIN_BYTES;
  if (large && !sink) return no('a large file, with no progress to report to');
  const asc = `${file}.asc`;
  const signatureFile = !exists(asc) && exists(`${file}.sig`) ? `${file}.sig` : asc;
  const st = fs.statSync(signatureFile, { throwIfNoEntry: false });
  if (!st?.isFile() || st.size > MAX_FAST_SIGNATURE_BYTES) return no('no small signature file');
  const armored = dearmorSignature(fs.readFileSync(signatureFile));
  if (!armored.ok) return no(armored.why);
  const parsed = parseSignaturePacket(armored.bytes);
  if (!parsed.ok) return no(parsed.why);
  const sig = parsed.signature;
  if (keyring.keyIDCount.get(sig.issuerFingerprint.slice(-16)) !== 1)
    return no('issuer not exactly once in the keyring');
  const entry = keyring.byFingerprint.get(sig.issuerFingerprint);
  if (!entry || entry.key.algorithm !== sig.publicKeyAlgorithm) return no('issuer not in the index');
  const { signer, key } = entry;
  const created = sig.created * 1000;
  const nowMs = now.getTime();
  const inWindow = (t: number) =>
    t >= signer.validFrom && (signer.validUntil === null || t < signer.validUntil);
  if (!inWindow(created) || !inWindow(nowMs)) return no('outside the validity window');
  if (created > Math.floor(nowMs / 1000) * 1000) return no('made in the future');
  const hashName = FAST_HASHES[sig.hashAlgorithm]!.node;
  const progress = large && sink ? fileProgress(file, stat.size, sink) : undefined;
  const hash = createHash(hashName);
  const read = hashOpenFile(fd, hash, progress);
  const digest = digestSigned(hash, sig);
  if (digest[0] !== sig.signedHashValue[0] || digest[1] !== sig.signedHashValue[1])
    return no('digest prefix differs');
  if (!signatureHolds(sig, key, digest, hashName)) return no('signature does not verify');
  // The full path's last event ("verify NAME: done (1.0 GiB)"), only for a good answer: when the
  // fast path steps aside, the full path reads the file again and reports it once.
  progress?.finish(read);
  return { ok: true, report: goodReport(file, signatureFile, sig, signer) };
}

/** H(file || signatureData || 0x04 0xFF be32(len)), the file already fed (RFC 9580 section 5.2.4). */
function digestSigned(hash: Hash, sig: FastSignature): Buffer {
  const trailer = Buffer.alloc(6);
  trailer[0] = 4;
  trailer[1] = 0xff;
  trailer.writeUInt32BE(sig.signatureData.length, 2);
  return hash.update(sig.signatureData).update(trailer).digest();
}

function leftPad(bytes: Uint8Array, length: number): Buffer | undefined {
  if (bytes.length > length) return undefined;
  const out = Buffer.alloc(length);
  out.set(bytes, length - bytes.length);
  return out;
}

/** The public-key check, as openpgp.js makes it (EdDSA over the digest; RSA PKCS#1 v1.5). */
function signatureHolds(sig: FastSignature, key: FastKey, digest: Buffer, hashName: string): boolean {
  try {
    if (key.algorithm === PK_RSA) {
      const s = leftPad(sig.params[0]!, key.size);
      if (!s) return false;
      const decoded = publicDecrypt({ key: key.key(), padding: constants.RSA_PKCS1_PADDING }, s);
      return decoded.equals(Buffer.concat([Buffer.from(DIGEST_INFO[hashName]!, 'hex'), digest]));
    }
    const rs =
      sig.params.length === 1 ? Buffer.from(sig.params[0]!) : concatPadded(sig.params[0]!, sig.params[1]!);
    return rs !== undefined && verify(null, digest, key.key(), rs);
  } catch {
    return false;
  }
}

function concatPadded(r: Uint8Array, s: Uint8Array): Buffer | undefined {
  const a = leftPad(r, 32);
  const b = leftPad(s, 32);
  return a && b ? Buffer.concat([a, b]) : undefined;
}

/** The report verify-file.ts makes for this good signature, field for field and in its order. */
function goodReport(
  file: string,
  signatureFile: string,
  sig: FastSignature,
  signer: IndexSigner,
): VerifyReport {
  const signing = sig.issuerFingerprint;
  const report: SignatureReport = {
    index: 0,
    verdict: 'good',
    reason: { code: GOOD, message: signer.own ? 'good signature by your own key' : 'good signature' },
    warnings: [],
    keyID: signing.slice(-16),
    signatureType: 'binary',
    hashAlgorithm: FAST_HASHES[sig.hashAlgorithm]!.label,
    created: new Date(sig.created * 1000).toISOString(),
    primaryFingerprint: signer.primaryFingerprint,
    signingKeyFingerprint: signing,
    ...(signer.own ? { ownKey: true } : {}),
    userID: signer.userID,
    keyAlgorithm: signer.keyAlgorithm,
    ...(signer.keyBits !== undefined ? { keyBits: signer.keyBits } : {}),
    ...(signer.keyCurve !== undefined ? { keyCurve: signer.keyCurve } : {}),
    keyExpires: signer.keyExpires,
    validAtSigning: 'valid',
    validNow: 'valid',
  };
  return {
    file,
    signatureFile,
    verified: true,
    goodSignatures: 1,
    threshold: 1,
    signatures: [report],
    problems: [],
  };
}
