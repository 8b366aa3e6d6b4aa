/** What every read-back shares: the options, a size-bounded signature fetch, and the comparison. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type * as openpgp from 'openpgp';
import type { ProxyConfig } from '../net/proxy.js';
import { verifyFile } from '../verify/verify-file.js';
import type { ReleasePlan } from './plan.js';
import type { SignStepResult } from './sign-step.js';
import type { ReleaseTarget, TargetOutcome, VerifiedFile } from './types.js';

export interface VerifyPublishedOptions {
  plan: ReleasePlan;
  signed: SignStepResult;
  targets: ReleaseTarget[];
  outcomes: TargetOutcome[];
  publicKey: openpgp.PublicKey;
  /** HTTP(S)_PROXY / NO_PROXY for every read-back request. */
  proxy?: ProxyConfig;
}

/** One read-back's options: the release's, and a private temp directory for served signatures. */
export interface ReadBack extends VerifyPublishedOptions {
  tmp: string;
}

/** A served signature is small; more than this is not one. */
export const MAX_SIGNATURE_BYTES = 64 * 1024;

/** Verify a served signature over the local file (whose bytes equal the served ones). */
export async function checkSignature(
  file: string,
  armored: Buffer,
  key: openpgp.PublicKey,
  tmp: string,
): Promise<'good' | 'bad'> {
  const sigFile = path.join(tmp, `${path.basename(file)}.${Math.random().toString(16).slice(2)}.asc`);
  await writeFile(sigFile, armored);
  const report = await verifyFile({ file, signatureFile: sigFile, keys: [key] });
  return report.verified ? 'good' : 'bad';
}

/** Compare what a target serves (or says it serves) with the local file. */
export function compare(
  name: string,
  want: { sha256: string; size: number },
  got: { sha256?: string; size?: number },
): VerifiedFile {
  if (got.sha256 === undefined) return { name, ok: false, problem: 'not served' };
  if (got.sha256 !== want.sha256 || (got.size !== undefined && got.size !== want.size))
    return {
      name,
      ok: false,
      sha256: got.sha256,
      size: got.size,
      problem: `served bytes differ: sha256 ${got.sha256}${got.size !== undefined ? `, ${got.size} bytes` : ''} (local ${want.sha256}, ${want.size} bytes)`,
    };
  return { name, ok: true, sha256: got.sha256, size: got.size };
}
