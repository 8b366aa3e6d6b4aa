/**
 * A channel file and its `.asc` sidecar: fetch the signature next to the file, verify the file
 * with the trusted keyring, and turn the verdict into the channel report's terms.
 */
import path from 'node:path';
import type * as openpgp from 'openpgp';
import { DistsealError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { TrustPolicy } from '../trust/policy.js';
import type { KeyChecks } from '../verify/key-checks.js';
import { problemsText } from '../verify/reasons.js';
import { verifyFile, type VerifyReport } from '../verify/verify-file.js';
import { fetchOrProblem, SIGNATURE_LIMIT } from './fetch-limits.js';
import type { ChannelProblem } from './mismatches.js';
import type { ChannelSource } from './source.js';
import { REPODATA_FILE, SIGNATURE_SUFFIX } from './store.js';

/** Whom a channel's signatures must come from. */
export interface SidecarTrust {
  keys: openpgp.PublicKey[];
  policy?: TrustPolicy;
  signers?: string[];
  threshold?: number;
  logger?: Logger;
  /** Key checks remembered across one run's signatures (verify/key-checks.ts). */
  keyChecks?: KeyChecks;
}

/** The signature part of a channel entry's result. */
export type SignatureSummary = Pick<VerifyReport, 'verified' | 'goodSignatures' | 'signatures' | 'problems'>;

/** The parts of a verdict a channel report keeps. */
export function signatureSummary(r: VerifyReport): SignatureSummary {
  return {
    verified: r.verified,
    goodSignatures: r.goodSignatures,
    signatures: r.signatures,
    problems: r.problems,
  };
}

/** Fetch `relative.asc` next to `local` (remote) and verify `local` with it. */
export async function verifyWithSidecar(
  source: ChannelSource,
  relative: string,
  local: string,
  options: SidecarTrust,
): Promise<VerifyReport | ChannelProblem> {
  const sig = await fetchOrProblem(source, relative + SIGNATURE_SUFFIX, SIGNATURE_LIMIT);
  if (typeof sig === 'object') return sig;
  if (!sig)
    return {
      subject: relative,
      code: 'E_NO_SIGNATURE',
      message: `${relative} has no signature ${path.basename(relative)}${SIGNATURE_SUFFIX} in the channel.`,
      hint: 'Run `distseal channel add` again with the package to sign it, or ask the channel owner.',
    };
  try {
    const report = await verifyFile({
      file: local,
      signatureFile: sig,
      keys: options.keys,
      // repodata.json lists many projects: their pins apply to each package's own signature.
      policy: path.basename(relative) === REPODATA_FILE ? undefined : options.policy,
      // A remote copy is saved under another name: the pins follow the published one.
      name: path.basename(relative),
      signers: options.signers,
      threshold: options.threshold,
      logger: options.logger,
      keyChecks: options.keyChecks,
    });
    // A remote channel's signature was fetched into a temp file that is gone by now: name it
    // by its place in the channel, in the report and every message (issue 15 item 16).
    const shown = `${source.display.replace(/\/?$/, '/')}${relative}${SIGNATURE_SUFFIX}`;
    return sig === shown ? report : (renamePath(report, sig, shown) as VerifyReport);
  } catch (error) {
    if (error instanceof DistsealError && error.kind === 'input')
      return {
        subject: relative,
        code: error.code,
        message: `${relative}: ${error.message}`,
        hint: error.hint,
      };
    throw error;
  } finally {
    await source.release(sig);
  }
}

/** `value` with every occurrence of the string `from` inside its strings replaced by `to`. */
function renamePath(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string') return value.split(from).join(to);
  if (Array.isArray(value)) return value.map((v) => renamePath(v, from, to));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renamePath(v, from, to)]));
  return value;
}

/**
 * A sidecar verdict as a channel entry sees it: the signature summary when one was checked, and
 * the problem (`code` when the signature does not verify) when there is one.
 */
export function sidecarVerdict(
  rel: string,
  verdict: VerifyReport | ChannelProblem,
  code: string,
): { signature?: SignatureSummary; problem?: ChannelProblem } {
  if (!('verified' in verdict)) return { problem: verdict };
  if (verdict.verified) return { signature: signatureSummary(verdict) };
  return {
    signature: signatureSummary(verdict),
    problem: {
      subject: rel,
      code,
      message: `The signature of ${rel} does not verify: ${problemsText(verdict.problems)}.`,
      hint: verdict.problems[0]?.hint,
    },
  };
}
