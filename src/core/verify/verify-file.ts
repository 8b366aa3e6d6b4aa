import { promises as fs } from 'node:fs';
import path from 'node:path';
import type * as openpgp from 'openpgp';
import { UsageError } from '../errors.js';
import type { Logger } from '../logger.js';
import { openForReading } from '../io/opened-file.js';
import { normalizeFingerprint, type TrustPolicy } from '../trust/policy.js';
import { examineSignatures, type ExamineOptions, type SignatureReport } from './examine.js';
import { pinsForFile } from './pins.js';
import { reason, type Reason } from './reasons.js';
import { readSignatureFile } from './signature-file.js';

export interface VerifyFileOptions {
  file: string;
  /** Default: FILE.asc, else FILE.sig (binary) when only that exists. */
  signatureFile?: string;
  /** The trusted keys (the home's trusted keyring or --keyring). */
  keys: openpgp.PublicKey[];
  /** Project -> allowed fingerprints; the project comes from the file name (and `project`). */
  policy?: TrustPolicy;
  /** The project the file belongs to (`--project`), for the policy's pins; added to what the name tells. */
  project?: string;
  /** The name the file is published under, when `file` is a local copy by another name (default: its base name). */
  name?: string;
  /** Pinned primary fingerprints (--signer): only these may count. */
  signers?: string[];
  /** Good signatures from distinct trusted keys required (default 1). */
  threshold?: number;
  /** The time to judge expiry and future dates against (default now). */
  now?: Date;
  logger?: Logger;
  /** Your own keys among `keys` (their primary fingerprints), named as such in the verdict. */
  ownFingerprints?: string[];
  /** Refuse text-mode signatures (`--binary-only`). */
  binaryOnly?: boolean;
  /** false forces openpgp.js's own streaming (tests). */
  prehash?: ExamineOptions['prehash'];
  /** Key checks remembered across the files of one run (key-checks.ts): make one per run. */
  keyChecks?: ExamineOptions['keyChecks'];
  /** Read with blocking calls (io/opened-file.ts): only on a thread with nothing else to do. */
  blockingReads?: boolean;
}

export interface VerifyReport {
  file: string;
  signatureFile: string;
  verified: boolean;
  /** Distinct primary keys with a good signature. */
  goodSignatures: number;
  threshold: number;
  signatures: SignatureReport[];
  /** Why the file as a whole failed (or warnings that apply to it), each with a hint. */
  problems: Array<{ code: string; message: string; hint?: string }>;
}

export const DEFAULT_THRESHOLD = 1;

/** FILE.asc, else FILE.sig when only that exists. */
export async function defaultSignatureFile(file: string): Promise<string> {
  const asc = `${file}.asc`;
  const sig = `${file}.sig`;
  const exists = async (p: string) =>
    fs.stat(p).then(
      () => true,
      () => false,
    );
  if (!(await exists(asc)) && (await exists(sig))) return sig;
  return asc;
}

/**
 * Verify one file against its detached signature, fail-closed (PRODUCT.md "Verification,
 * precisely"). Every signature in the signature file is examined and reported. Never throws for
 * a bad, missing or malformed signature: the report says `verified: false` and why. Throws
 * InputError when the file itself cannot be read (missing, a directory) and UsageError for a
 * threshold below 1.
 */
export async function verifyFile(options: VerifyFileOptions): Promise<VerifyReport> {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  if (!Number.isInteger(threshold) || threshold < 1)
    throw new UsageError(`--threshold must be a whole number of at least 1 (got ${threshold}).`);
  const now = options.now ?? new Date();
  const file = await openForReading(options.file, options.blockingReads);
  const signatureFile = options.signatureFile ?? (await defaultSignatureFile(options.file));
  const report: VerifyReport = {
    file: options.file,
    signatureFile,
    verified: false,
    goodSignatures: 0,
    threshold,
    signatures: [],
    problems: [],
  };
  let unknownProject: Reason | undefined;
  try {
    const parsed = await readSignatureFile(signatureFile, options.blockingReads);
    if (!parsed.ok) {
      report.problems.push(parsed.problem);
      return report;
    }
    const pins = pinsForFile(options.policy, options.name ?? path.basename(options.file), options.project);
    if (pins.unknown) unknownProject = pins.unknown;
    let started = false;
    const once = () => {
      if (started) throw new Error('the data can be read only once');
      started = true;
    };
    const read = { logger: options.logger, label: `verify ${path.basename(options.file)}` };
    report.signatures = await examineSignatures(
      parsed.packets,
      () => {
        once();
        return file.stream(read);
      },
      {
        keys: options.keys,
        now,
        signers: options.signers?.map(normalizeFingerprint),
        pinned: pins.pinned,
        ownFingerprints: options.ownFingerprints,
        binaryOnly: options.binaryOnly,
        prehash: options.prehash,
        keyChecks: options.keyChecks,
        feed: async (hashes) => {
          once();
          await file.feed(hashes, read);
        },
      },
    );
  } finally {
    await file.close();
  }
  conclude(report, options.keys.length);
  if (unknownProject) {
    // Fail closed: a good signature cannot be checked against pins we cannot pick.
    report.verified = false;
    report.problems.unshift(unknownProject);
  }
  return report;
}

/** Count distinct good signers, decide, and explain a failure. Shared by every verify entry point. */
export function conclude<R extends Omit<VerifyReport, 'file' | 'signatureFile'>>(
  report: R,
  keyCount: number,
): R {
  const good = new Set(
    report.signatures.filter((s) => s.verdict === 'good').map((s) => s.primaryFingerprint),
  );
  report.goodSignatures = good.size;
  report.verified = good.size >= report.threshold;
  if (report.verified) return report;
  // With no key at all, that is the cause to report (each signature still says who made it).
  report.problems.push(
    keyCount === 0
      ? reason(
          'E_EMPTY_KEYRING',
          'the trusted keyring is empty, so no signature can be trusted',
          "Add the maintainer's public key with `distseal trust add KEYFILE`, or pass --keyring FILE|DIR.",
        )
      : summarize(report),
  );
  return report;
}

function summarize(report: Omit<VerifyReport, 'file' | 'signatureFile'>): Reason {
  if (report.goodSignatures > 0) {
    return reason(
      'E_THRESHOLD',
      `${report.goodSignatures} good signature(s) from distinct trusted keys, ${report.threshold} required`,
      "Get the missing signers' keys or signatures, or lower --threshold.",
    );
  }
  const first = report.signatures.find((s) => s.verdict !== 'good');
  if (report.signatures.length === 1 && first) return { ...first.reason };
  return reason(
    'E_NO_GOOD_SIGNATURE',
    `none of the ${report.signatures.length} signatures is good and trusted`,
    first?.reason.hint,
  );
}
