/**
 * `upload pypi` in the core: read and validate every dist first (nothing is sent when one is
 * bad), hash each once, then one streamed multipart POST per file with bounded retries, never
 * following a redirect, skipping files the index already has when asked, and checking that the
 * bytes sent are the bytes hashed. Returns one result per file; the CLI renders them.
 */
import path from 'node:path';
import { field } from '../../distributions/python/metadata.js';
import { DistsealError, HttpError, OperationalError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { silentLogger } from '../../logger.js';
import { maskUrl } from '../../net/http.js';
import { uploadFields, type FormField } from './fields.js';
import {
  compareExisting,
  jsonApiFor,
  ReleaseFiles,
  SimpleIndexFiles,
  type ExistingComparison,
} from './precheck.js';
import { prepareDist, type Prepared, type PrepareOptions } from './prepare.js';
import { sendOne, type SendOptions } from './send.js';
import { signaturePolicy } from './signature-policy.js';

export type FileStatus = 'uploaded' | 'skipped' | 'failed' | 'not-attempted' | 'dry-run';

export interface FileResult {
  file: string;
  status: FileStatus;
  reason?: string;
  httpStatus?: number;
  size?: number;
  sha256?: string;
  blake2_256?: string;
  /** `sent`, `not-sent` (PyPI discards signatures) or `none`. */
  signature: 'sent' | 'not-sent' | 'none';
  attestations: number;
  /** Skipped files: does the index's copy have the same sha256 (`not-compared` when it cannot say)? */
  existing?: ExistingComparison;
  /** --dry-run: the text fields that would be sent (file parts summarized). */
  fields?: FormField[];
  error?: DistsealError;
}

export interface PypiUploadOptions extends PrepareOptions, SendOptions {
  dists: string[];
  comment?: string;
  dryRun?: boolean;
  /** Override the JSON API used for the --skip-existing pre-check (tests). */
  jsonApi?: string;
}

export async function uploadToPypi(options: PypiUploadOptions): Promise<FileResult[]> {
  const logger = options.logger ?? silentLogger;
  const repo = options.repository;
  const prepared: Prepared[] = [];
  for (const file of options.dists) prepared.push(await prepareDist(file, options));

  const { sendSignatures } = signaturePolicy({ isPyPI: repo.isPyPI });
  const signed = prepared.filter((p) => p.signature);
  if (!sendSignatures && signed.length > 0) {
    logger.warn(
      `${repo.url} discards PGP signatures (PyPI stopped storing them in May 2023), so ${signed.length} .asc file(s) will not be sent. ` +
        'Publish the .asc files and a signed SHA256SUMS beside the release instead (e.g. release assets: `distseal sign --manifest SHA256SUMS dist/*`).',
    );
  }

  const results: FileResult[] = [];
  const release = options.skipExisting && !options.dryRun ? precheckFor(options, logger) : undefined;
  let stopped: DistsealError | undefined;
  for (const p of prepared) {
    const base: FileResult = {
      file: p.file,
      status: 'not-attempted',
      size: p.digests.size,
      sha256: p.digests.sha256,
      blake2_256: p.digests.blake2_256,
      signature: p.signature ? (sendSignatures ? 'sent' : 'not-sent') : 'none',
      attestations: p.attestations.length,
    };
    const fields = uploadFields(p.dist, p.digests, {
      comment: options.comment,
      attestations: p.attestations,
    });
    if (options.dryRun) {
      results.push({ ...base, status: 'dry-run', fields });
      continue;
    }
    if (stopped) {
      results.push({ ...base, reason: 'not attempted after an earlier failure' });
      continue;
    }
    const basename = path.basename(p.file);
    if (release) {
      const name = field(p.dist.metadata, 'name')!;
      const remote = await release.lookup(name, field(p.dist.metadata, 'version')!, basename);
      if (remote?.present) {
        const existing = compareExisting(remote, p.digests.sha256);
        logger.info(`Skipping ${basename}: it is already on ${maskUrl(repo.url)} (JSON API).`);
        warnIfDifferent(logger, basename, repo.url, existing);
        results.push({ ...skippedBase(base), reason: 'already on the index (JSON API)', existing });
        continue;
      }
    }
    try {
      const outcome = await sendOne(p, fields, options, logger);
      if (outcome.status === 'skipped') {
        const simple = new SimpleIndexFiles(repo.url, logger, { ...options.tls, proxy: options.proxy });
        const remote = await simple.lookup(field(p.dist.metadata, 'name')!, basename);
        const existing = compareExisting(remote, p.digests.sha256);
        warnIfDifferent(logger, basename, repo.url, existing);
        results.push({ ...skippedBase(base), ...outcome, existing });
      } else {
        results.push({ ...base, ...outcome });
      }
    } catch (error) {
      const e =
        error instanceof DistsealError
          ? error
          : new OperationalError('E_UPLOAD', `Upload of ${p.file} failed: ${(error as Error).message}`, {
              cause: error,
            });
      stopped = e;
      results.push({
        ...base,
        status: 'failed',
        reason: e.message,
        httpStatus: e instanceof HttpError ? e.status : undefined,
        error: e,
      });
    }
  }
  return results;
}

/** A skipped file's signature was not sent either. */
function skippedBase(base: FileResult): FileResult {
  return { ...base, status: 'skipped', signature: base.signature === 'none' ? 'none' : 'not-sent' };
}

/** --skip-existing must not hide a different file of the same name: say it loudly, and what to do. */
function warnIfDifferent(logger: Logger, basename: string, url: string, existing: ExistingComparison): void {
  if (existing === 'different') {
    logger.warn(
      `${basename} on ${maskUrl(url)} is a DIFFERENT file (its sha256 is not the one of yours); yours was not uploaded. ` +
        'Bump the version and rebuild: an index never replaces a released file.',
    );
  } else if (existing === 'not-compared') {
    logger.warn(
      `${basename}: the index has a file of that name, but could not say its sha256, so it was not compared with yours.`,
    );
  }
}

function precheckFor(options: PypiUploadOptions, logger: Logger): ReleaseFiles | undefined {
  const api = options.jsonApi ?? (options.repository.isPyPI ? jsonApiFor(options.repository.url) : undefined);
  return api ? new ReleaseFiles(api, logger, { ...options.tls, proxy: options.proxy }) : undefined;
}
