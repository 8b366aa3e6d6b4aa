import type * as openpgp from 'openpgp';
import { UsageError } from '../errors.js';
import type { ProjectRef } from '../names.js';
import { allowedSigners, normalizeFingerprint, type TrustPolicy } from '../trust/policy.js';
import { examineSignatures } from './examine.js';
import { conclude, DEFAULT_THRESHOLD, type VerifyReport } from './verify-file.js';
import { parseSignatureBytes } from './signature-file.js';

export interface VerifyBytesOptions {
  /** The signed bytes, in memory (small documents: repodata.json, a manifest). */
  data: Uint8Array;
  /** The detached signature, armored text or binary. */
  signature: string | Uint8Array;
  keys: openpgp.PublicKey[];
  policy?: TrustPolicy;
  /** The project the data belongs to, for the policy's pins. */
  project?: ProjectRef;
  signers?: string[];
  threshold?: number;
  now?: Date;
  /** Names the signature in messages. */
  source?: string;
}

export type BytesVerifyReport = Omit<VerifyReport, 'file' | 'signatureFile'>;

/**
 * The same fail-closed verification as verifyFile, for data already in memory. Never throws for
 * bad input: the report says why it failed.
 */
export async function verifyDetachedBytes(options: VerifyBytesOptions): Promise<BytesVerifyReport> {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  if (!Number.isInteger(threshold) || threshold < 1)
    throw new UsageError(`threshold must be a whole number of at least 1 (got ${threshold}).`);
  const report: BytesVerifyReport = {
    verified: false,
    goodSignatures: 0,
    threshold,
    signatures: [],
    problems: [],
  };
  const sigBytes =
    typeof options.signature === 'string' ? new TextEncoder().encode(options.signature) : options.signature;
  if (sigBytes.length === 0) {
    report.problems.push({
      code: 'E_SIGNATURE_MALFORMED',
      message: `${options.source ?? 'the signature'} is empty`,
    });
    return report;
  }
  const parsed = await parseSignatureBytes(sigBytes, options.source ?? 'the signature');
  if (!parsed.ok) {
    report.problems.push(parsed.problem);
    return report;
  }
  const data = options.data;
  report.signatures = await examineSignatures(
    parsed.packets,
    () =>
      new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(data);
          c.close();
        },
      }),
    {
      keys: options.keys,
      now: options.now ?? new Date(),
      signers: options.signers?.map(normalizeFingerprint),
      pinned: options.policy ? allowedSigners(options.policy, options.project) : undefined,
    },
  );
  return conclude(report, options.keys.length);
}
