import type * as openpgp from 'openpgp';
import { hashStream, type HashFeed } from '../io/prehashed.js';
import { normalizeFingerprint } from '../trust/policy.js';
import { checkPending, type Pending } from './check-crypto.js';
import { precheck } from './precheck.js';
import { reason, type Reason } from './reasons.js';
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
  /** True when the signer is one of your own keys (the home's keys/), trusted as gpg trusts its own. */
  ownKey?: boolean;
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
  /** Primary fingerprints of your own keys among `keys` (the verdict says "your own key"). */
  ownFingerprints?: string[];
  /** Refuse text-mode (0x01) signatures, which do not protect the exact bytes. */
  binaryOnly?: boolean;
  /** false: let openpgp.js hash the data itself (the streaming fallback; tests force it). */
  prehash?: boolean;
}

type Packet = openpgp.SignaturePacket | UnsupportedPacket;

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
    await checkPending(pending, data, {
      now: options.now,
      feed: options.feed ?? ((hashes) => hashStream(data(), hashes)),
      prehash: options.prehash,
    });
  for (const p of pending) if (p.report.verdict === 'good') applyPins(p.report, options);
  return reports;
}

function findKey(keys: openpgp.PublicKey[], fpr: string): openpgp.PublicKey | undefined {
  return keys.find((k) => k.getFingerprint().toUpperCase() === fpr);
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
    const { spec, fingerprints } = options.pinned;
    const allowed =
      fingerprints.length > 0
        ? `allows only ${fingerprints.join(', ')} for ${spec}`
        : `pins ${spec} to keys that have none in common, so no key may sign this file`;
    report.verdict = 'bad';
    report.reason = reason('E_NOT_PINNED', `good signature by ${fpr}, but the trust policy ${allowed}`);
  }
}
