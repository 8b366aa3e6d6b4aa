import * as openpgp from 'openpgp';
import { DistsealError } from '../errors.js';
import { drain } from '../io/file-stream.js';
import {
  canPrehash,
  finishDigest,
  hashStream,
  setDigest,
  startDigest,
  type HashFeed,
} from '../io/prehashed.js';
import { normalizeFingerprint } from '../trust/policy.js';
import {
  algorithmFacts,
  boundOnlyBySha1,
  claimedUserID,
  expiryOf,
  hashName,
  keyAlgorithmProblem,
  signingValidityAt,
  WEAK_HASHES,
} from './key-facts.js';
import { classifyOpenpgpError, GOOD, reason, type Reason } from './reasons.js';
import type { UnsupportedPacket } from './signature-file.js';

/** One signature's verdict and the facts behind it. */
export interface SignatureReport {
  index: number;
  /** good: counts toward the threshold. bad: checked and refused. could-not-check: unknown key or format. */
  verdict: 'good' | 'bad' | 'could-not-check';
  reason: Reason;
  /** The issuer key ID (16 hex, uppercase) as the signature names it. */
  keyID?: string;
  primaryFingerprint?: string;
  signingKeyFingerprint?: string;
  /** The primary user ID, as claimed by the key (not a proof of identity). */
  userID?: string;
  /** Signature creation time, ISO 8601 UTC. */
  created?: string;
  signatureType?: string;
  hashAlgorithm?: string;
  /** The signing (sub)key's algorithm: 'EdDSA', 'RSA', ... with bits or curve. */
  keyAlgorithm?: string;
  keyBits?: number;
  keyCurve?: string;
  /** The key's expiry now (null: never). */
  keyExpires?: string | null;
  /** 'valid' or the reason code the key was not valid for signing at that time. */
  validAtSigning?: string;
  validNow?: string;
  warnings: string[];
}

export interface ExamineOptions {
  keys: openpgp.PublicKey[];
  now: Date;
  /** Pinned primary fingerprints (--signer); undefined = any trusted key. */
  signers?: string[];
  /** Fingerprints the trust policy allows for this project, with the policy's name for it. */
  pinned?: { spec: string; fingerprints: string[] };
  /** A faster way to read the same data into hashes (a file handle); default: read `data()`. */
  feed?: HashFeed;
}

type Packet = openpgp.SignaturePacket | UnsupportedPacket;

interface Pending {
  report: SignatureReport;
  packet: openpgp.SignaturePacket;
  key: openpgp.PublicKey;
}

const SIG_TYPES: Record<number, string> = { 0: 'binary', 1: 'text' };

/**
 * Examine every signature packet against the data in `data` (read once, streamed). Pre-checks
 * (type, digest, key, algorithms, dates) come first; openpgp.js then checks the crypto and key
 * validity at signing time; we await every `verified` after draining the data (a streamed
 * verification never settles otherwise, and resolves for bad signatures too — spec section 1).
 */
export async function examineSignatures(
  packets: Packet[],
  data: () => ReadableStream<Uint8Array>,
  options: ExamineOptions,
): Promise<SignatureReport[]> {
  const reports: SignatureReport[] = [];
  const pending: Pending[] = [];
  for (const [index, packet] of packets.entries()) {
    const report: SignatureReport = {
      index,
      verdict: 'bad',
      reason: reason('E_BAD_SIGNATURE', 'not checked'),
      warnings: [],
    };
    reports.push(report);
    if ('unsupported' in packet) {
      report.verdict = 'could-not-check';
      report.reason = reason(
        'E_UNSUPPORTED_SIGNATURE',
        `packet ${index + 1} is not a signature distseal can read (${packet.detail})`,
      );
      continue;
    }
    const pre = await precheck(packet, report, options);
    if (pre) {
      report.reason = pre.reason;
      report.verdict = pre.verdict;
      continue;
    }
    pending.push({
      report,
      packet,
      key: report.primaryFingerprint ? findKey(options.keys, report.primaryFingerprint)! : options.keys[0]!,
    });
  }
  if (pending.length > 0)
    await verifyPending(pending, data, options.now, options.feed ?? ((hashes) => hashStream(data(), hashes)));
  for (const p of pending) if (p.report.verdict === 'good') applyPins(p.report, options);
  return reports;
}

function findKey(keys: openpgp.PublicKey[], fpr: string): openpgp.PublicKey | undefined {
  return keys.find((k) => k.getFingerprint().toUpperCase() === fpr);
}

/** Fill in the facts and return a verdict when the signature fails before any crypto. */
async function precheck(
  packet: openpgp.SignaturePacket,
  report: SignatureReport,
  options: ExamineOptions,
): Promise<{ verdict: SignatureReport['verdict']; reason: Reason } | undefined> {
  report.keyID = packet.issuerKeyID.toHex().toUpperCase();
  report.signatureType =
    SIG_TYPES[packet.signatureType ?? -1] ?? `0x${(packet.signatureType ?? 0).toString(16).padStart(2, '0')}`;
  report.hashAlgorithm = hashName(packet.hashAlgorithm ?? -1).toUpperCase();
  if (packet.created && Number.isNaN(packet.created.getTime())) {
    // A damaged time field parses to an invalid Date; nothing after this can be trusted.
    return {
      verdict: 'bad',
      reason: reason(
        'E_SIGNATURE_MALFORMED',
        'the signature creation time is not a valid date (the signature is damaged)',
      ),
    };
  }
  if (packet.created) report.created = packet.created.toISOString();
  const issuerFpr = packet.issuerFingerprint
    ? Buffer.from(packet.issuerFingerprint).toString('hex').toUpperCase()
    : undefined;
  // Choose the key by the issuer fingerprint when the signature has one: a 64-bit key ID can collide.
  const candidates = options.keys.filter((k) => k.getKeys(packet.issuerKeyID).length > 0);
  const key =
    candidates.find(
      (k) => !issuerFpr || k.getKeys().some((s) => s.getFingerprint().toUpperCase() === issuerFpr),
    ) ?? (issuerFpr ? undefined : candidates[0]);
  if (key) await describeKey(report, key, packet, options.now);

  if (!((packet.signatureType ?? -1) in SIG_TYPES)) {
    return {
      verdict: 'bad',
      reason: reason(
        'E_WRONG_SIGNATURE_TYPE',
        `signature type ${report.signatureType} is not a signature over a file (expected binary 0x00)`,
      ),
    };
  }
  if (packet.signatureType === openpgp.enums.signature.text) {
    // A text-mode signature ignores line-ending changes (CRLF vs LF), so the file's exact bytes are not protected.
    return {
      verdict: 'bad',
      reason: reason(
        'E_TEXT_MODE',
        'a text-mode (0x01) signature does not protect the exact bytes (line endings may change); dist files must be signed in binary mode',
        'Ask the maintainer to sign again without --textmode (gpg --detach-sign -a, or distseal sign).',
      ),
    };
  }
  if (WEAK_HASHES.has(hashName(packet.hashAlgorithm ?? -1))) {
    return {
      verdict: 'bad',
      reason: reason(
        'E_WEAK_HASH',
        `the data signature uses ${report.hashAlgorithm}, which is rejected (collisions are practical; SHA-1 is refused since 2013)`,
      ),
    };
  }
  if (!key) {
    const id = issuerFpr ?? report.keyID;
    return {
      verdict: 'could-not-check',
      reason: reason('E_UNKNOWN_KEY', `made by key ${id}, which is not in the trusted keyring`),
    };
  }
  const signing = key.getKeys(packet.issuerKeyID)[0]!;
  const algo =
    keyAlgorithmProblem(key, 'primary key') ??
    (signing !== key ? keyAlgorithmProblem(signing as openpgp.Subkey, 'signing subkey') : undefined);
  if (algo) return { verdict: 'bad', reason: algo };
  if (packet.created && packet.created.getTime() > options.now.getTime()) {
    return {
      verdict: 'bad',
      reason: reason(
        'E_FUTURE_SIGNATURE',
        `the signature is dated ${packet.created.toISOString()}, in the future`,
      ),
    };
  }
  return undefined;
}

/** Signer facts: fingerprints, user ID as claimed, algorithms, expiry, validity then and now. */
async function describeKey(
  report: SignatureReport,
  key: openpgp.PublicKey,
  packet: openpgp.SignaturePacket,
  now: Date,
): Promise<void> {
  const signing = key.getKeys(packet.issuerKeyID)[0]!;
  report.primaryFingerprint = key.getFingerprint().toUpperCase();
  report.signingKeyFingerprint = signing.getFingerprint().toUpperCase();
  report.userID = await claimedUserID(key);
  const algo = algorithmFacts(signing);
  report.keyAlgorithm = algo.algorithm;
  if (algo.bits) report.keyBits = algo.bits;
  if (algo.curve) report.keyCurve = algo.curve;
  report.keyExpires = await expiryOf(key);
  if (packet.created) {
    const then = await signingValidityAt(key, packet.issuerKeyID, packet.created);
    report.validAtSigning = then.status === 'valid' ? 'valid' : then.reason.code;
  }
  const current = await signingValidityAt(key, packet.issuerKeyID, now);
  report.validNow = current.status === 'valid' ? 'valid' : current.reason.code;
  if (current.status !== 'valid' && report.validAtSigning === 'valid') {
    // Say what changed since, not the reason text written for "when it signed" (issue 15 item 11).
    const since =
      current.reason.code === 'E_KEY_EXPIRED'
        ? 'the key has expired since'
        : `the key is not valid now (${current.reason.message})`;
    report.warnings.push(`${since}; it was valid when it signed`);
  }
  if (boundOnlyBySha1(key)) {
    report.warnings.push(
      "the key's user IDs are bound only by SHA-1 self-signatures (Sequoia and rnp reject such keys); ask the maintainer to refresh the key's self-signatures with SHA-256",
    );
  }
}

/** One streamed pass over the data for all remaining signatures; then await each `verified`. */
async function verifyPending(
  pending: Pending[],
  data: () => ReadableStream<Uint8Array>,
  now: Date,
  feed: HashFeed,
): Promise<void> {
  const list = new openpgp.PacketList<openpgp.SignaturePacket>();
  for (const p of pending) list.push(p.packet);
  const keys = [...new Set(pending.map((p) => p.key))];
  let outcomes: Array<PromiseSettledResult<boolean>>;
  try {
    let message: openpgp.Message<ReadableStream<Uint8Array> | Uint8Array>;
    if (pending.every((p) => canPrehash(p.packet))) {
      // The fast path (see io/prehashed.ts): node:crypto hashes the file once for every
      // signature, and openpgp.js checks each signature over its digest plus the key's validity
      // at signing time. The message it sees is empty; a packet left without its digest would be
      // checked against that empty message and fail, never pass.
      const hashes = pending.map((p) => startDigest(p.packet));
      await feed(hashes);
      pending.forEach((p, i) => setDigest(p.packet, finishDigest(p.packet, hashes[i]!)));
      message = await openpgp.createMessage({ binary: new Uint8Array(0), format: 'binary' });
    } else {
      message = await openpgp.createMessage({ binary: data(), format: 'binary' });
    }
    const result = await openpgp.verify({
      message,
      signature: new openpgp.Signature(list),
      verificationKeys: keys,
      format: 'binary',
      date: now,
    });
    if (result.data instanceof ReadableStream) await drain(result.data as ReadableStream<unknown>);
    outcomes = await Promise.allSettled(result.signatures.map((s) => s.verified));
  } catch (error) {
    // A read error of the file is ours to report (it names the file); anything openpgp.js throws
    // about the signatures themselves fails them all, closed.
    if (error instanceof DistsealError) throw error;
    outcomes = pending.map(() => ({ status: 'rejected', reason: error }));
  }
  // openpgp.js keeps only binary/text signatures, in order; precheck already dropped all others.
  for (const [i, p] of pending.entries()) {
    const outcome = outcomes[i];
    if (outcome?.status === 'fulfilled' && outcome.value === true) {
      p.report.verdict = 'good';
      p.report.reason = reason(GOOD, 'good signature', undefined);
      continue;
    }
    const why = outcome
      ? classifyOpenpgpError(outcome.status === 'rejected' ? outcome.reason : 'no result')
      : reason('E_KEY_INVALID', 'openpgp.js returned no result');
    if (why.code === 'E_KEY_EXPIRED' && p.report.keyExpires) {
      why.message = `the key had expired (the copy you trust expires ${p.report.keyExpires}) when it signed on ${p.report.created}`;
      why.hint = `Refresh the key: the copy you trust expired on ${p.report.keyExpires.slice(0, 10)}. If the maintainer extended it, import the new copy; otherwise ask for a new signature.`;
    }
    p.report.verdict = why.code === 'E_UNKNOWN_KEY' ? 'could-not-check' : 'bad';
    p.report.reason = why;
  }
}

/** --signer pins and the trust policy's pins for the project: a good signature by another key fails. */
function applyPins(report: SignatureReport, options: ExamineOptions): void {
  const fpr = report.primaryFingerprint!;
  if (
    options.signers &&
    options.signers.length > 0 &&
    !options.signers.map(normalizeFingerprint).includes(fpr)
  ) {
    report.verdict = 'bad';
    report.reason = reason(
      'E_SIGNER_NOT_ALLOWED',
      `good signature by ${fpr}, but --signer allows only ${options.signers.map(normalizeFingerprint).join(', ')}`,
    );
    return;
  }
  if (options.pinned && !options.pinned.fingerprints.includes(fpr)) {
    report.verdict = 'bad';
    report.reason = reason(
      'E_NOT_PINNED',
      `good signature by ${fpr}, but the trust policy allows only ${options.pinned.fingerprints.join(', ')} for ${options.pinned.spec}`,
    );
  }
}
