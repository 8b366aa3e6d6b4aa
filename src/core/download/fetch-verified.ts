import { getHashes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type * as openpgp from 'openpgp';
import { HttpError } from '../errors.js';
import type { Logger } from '../logger.js';
import { maskUrl } from '../net/http.js';
import type { TrustPolicy } from '../trust/policy.js';
import type { Reason } from '../verify/reasons.js';
import { MAX_SIGNATURE_BYTES } from '../verify/signature-file.js';
import { verifyFile, type VerifyReport } from '../verify/verify-file.js';
import { fetchBytes, fetchToFile } from './fetch.js';
import type { FetchOptions } from './open-url.js';
import type { Stage } from './stage.js';

/** What a verification is judged against: the same inputs `distseal verify` takes. */
export interface TrustInputs {
  keys: openpgp.PublicKey[];
  policy?: TrustPolicy;
  signers?: string[];
  threshold?: number;
  now?: Date;
  logger?: Logger;
  /** Refuse text-mode signatures (--binary-only). */
  binaryOnly?: boolean;
  /** The project the files belong to (--project), for the pins. */
  project?: string;
  /** Your own keys among `keys`, named as such in verdicts. */
  ownFingerprints?: string[];
}

/** A file larger than this is refused when the index does not give its size (PEP 700). */
export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 ** 3;

export interface RemoteFile {
  /** The name it is staged and landed under (decides the project for the pins). */
  filename: string;
  url: string;
  /** Where its detached signature is; undefined when the source publishes none. */
  signatureUrl?: string;
  /** The signature itself, when it is already at hand (a local file). */
  signatureBytes?: Buffer;
  /** Said when there is no signature (e.g. "the index publishes no signature for FILE"). */
  noSignature: string;
  /** What to do about a missing signature. */
  noSignatureHint?: string;
  /** Digests the source vouches for (algorithm -> hex). */
  hashes?: Record<string, string>;
  size?: number;
}

export interface FetchedResult {
  filename: string;
  url: string;
  signatureUrl?: string;
  size?: number;
  sha256?: string;
  /** Algorithms whose digest from the source matched the bytes. */
  hashesChecked: string[];
  verified: boolean;
  /** The signature verdicts (signer, time, algorithms), when the signature was checked. */
  report?: VerifyReport;
  problems: Reason[];
}

const WEAK_OR_UNKNOWN = new Set(['md5', 'sha1']);

/**
 * Fetch `file`'s signature (bounded), then the file itself (streamed into the stage, hashed while
 * written), check the source's digests and size, and verify the signature over the staged bytes.
 * Network failures throw; a missing, bad or untrusted signature, or a digest that differs, is a
 * result with `verified: false` and the reasons.
 */
export async function fetchAndVerify(
  file: RemoteFile,
  stage: Stage,
  trust: TrustInputs,
  fetchOptions: FetchOptions,
): Promise<FetchedResult> {
  const result: FetchedResult = {
    filename: file.filename,
    url: maskUrl(file.url),
    signatureUrl: file.signatureUrl ? maskUrl(file.signatureUrl) : undefined,
    hashesChecked: [],
    verified: false,
    problems: [],
  };
  const hint = file.noSignatureHint;
  if (!file.signatureUrl && !file.signatureBytes) {
    result.problems.push({ code: 'E_NO_SIGNATURE', message: file.noSignature, hint });
    return result;
  }
  let signature: { body?: Buffer; status: number } = { body: file.signatureBytes, status: 200 };
  if (!file.signatureBytes) {
    try {
      signature = await fetchBytes(file.signatureUrl!, MAX_SIGNATURE_BYTES, fetchOptions);
    } catch (error) {
      if (!(error instanceof HttpError) || error.code !== 'E_TOO_LARGE') throw error;
      result.problems.push({
        code: 'E_SIGNATURE_MALFORMED',
        message: `the signature of ${file.filename}: ${error.message}`,
      });
      return result;
    }
  }
  if (!signature.body) {
    result.problems.push({
      code: 'E_NO_SIGNATURE',
      message: `${file.noSignature} (${result.signatureUrl} answered ${signature.status})`,
      hint,
    });
    return result;
  }
  const sigPath = stage.path(`${file.filename}.asc`);
  await writeFile(sigPath, signature.body, { mode: 0o600 });

  const supported = new Set(getHashes().map((h) => h.toLowerCase()));
  const algorithms = Object.keys(file.hashes ?? {}).filter((a) => supported.has(a));
  const staged = stage.path(file.filename);
  const got = await fetchToFile(file.url, staged, {
    ...fetchOptions,
    maxBytes: file.size ?? DEFAULT_MAX_FILE_BYTES,
    algorithms,
    label: file.filename,
  });
  if (got.status !== 200) {
    result.problems.push({
      code: 'E_MISSING_FILE',
      message: `${result.url} answered ${got.status}: the file is not there`,
    });
    return result;
  }
  result.size = got.size;
  result.sha256 = got.digests.sha256;
  if (file.size !== undefined && file.size !== got.size)
    result.problems.push({
      code: 'E_SIZE_MISMATCH',
      message: `${file.filename} is ${got.size} bytes but the index says ${file.size}`,
    });
  for (const alg of algorithms) {
    const want = file.hashes![alg]!;
    if (got.digests[alg] === want) result.hashesChecked.push(alg);
    else
      result.problems.push({
        code: 'E_HASH_MISMATCH',
        message: `${file.filename} has ${alg} ${got.digests[alg]} but the index says ${want}`,
        hint: 'The file changed after it was indexed (or was replaced on the way). Do not use it; tell the index owner.',
      });
  }
  if (file.hashes && !algorithms.some((a) => !WEAK_OR_UNKNOWN.has(a)))
    trust.logger?.warn(
      `the index gives no strong hash for ${file.filename}; only its signature vouches for it.`,
    );
  result.report = await verifyFile({
    file: staged,
    signatureFile: sigPath,
    keys: trust.keys,
    policy: trust.policy,
    signers: trust.signers,
    threshold: trust.threshold,
    now: trust.now,
    logger: trust.logger,
    binaryOnly: trust.binaryOnly,
    project: trust.project,
    ownFingerprints: trust.ownFingerprints,
  });
  if (!result.report.verified) result.problems.push(...result.report.problems);
  result.verified = result.report.verified && result.problems.length === 0;
  return result;
}
