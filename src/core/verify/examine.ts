import type * as openpgp from 'openpgp';
import { hashStream } from '../io/prehashed.js';
import { normalizeFingerprint } from '../trust/policy.js';
import { checkPending, type Pending } from './check-crypto.js';
import { precheck } from './precheck.js';
import { reason } from './reasons.js';
import type { UnsupportedPacket } from './signature-file.js';
import type { ExamineOptions, SignatureReport } from './signature-report.js';

export type { ExamineOptions, SignatureReport } from './signature-report.js';

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
      keyChecks: options.keyChecks,
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
