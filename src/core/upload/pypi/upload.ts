/**
 * `upload pypi` in the core: read and validate every dist first (nothing is sent when one is
 * bad), hash each once, then one streamed multipart POST per file with bounded retries, never
 * following a redirect, skipping files the index already has when asked, and checking that the
 * bytes sent are the bytes hashed. Returns one result per file; the CLI renders them.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { distDigests, type DistDigests } from '../../distributions/digests.js';
import { field } from '../../distributions/python/metadata.js';
import { readPythonDist, type PythonDist } from '../../distributions/python/read.js';
import { validateMetadata } from '../../distributions/python/validate.js';
import { DistsealError, HttpError, InputError, OperationalError } from '../../errors.js';
import { wrapFsError } from '../../io/atomic.js';
import type { Logger } from '../../logger.js';
import { silentLogger } from '../../logger.js';
import type { Credentials } from '../../config/credentials.js';
import type { ResolvedRepository } from '../../config/repository.js';
import { maskUrl, requestWithRetry, type HttpResponse } from '../../net/http.js';
import type { ProxyConfig } from '../../net/proxy.js';
import { uploadFields, type FormField } from './fields.js';
import { multipartBody, multipartHeaders, newBoundary } from './multipart.js';
import {
  compareExisting,
  jsonApiFor,
  ReleaseFiles,
  SimpleIndexFiles,
  type ExistingComparison,
} from './precheck.js';
import { meansAlreadyExists, redirectError, refusedError, serverMessage } from './responses.js';

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

export interface PypiUploadOptions {
  dists: string[];
  signatures?: Map<string, string>;
  attestations?: Map<string, string[]>;
  repository: ResolvedRepository;
  /** Not needed for a dry run. */
  credentials?: Credentials;
  comment?: string;
  skipExisting?: boolean;
  dryRun?: boolean;
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  /** The User-Agent to send (the CLI passes `distseal/<version> node/<version>`). */
  userAgent?: string;
  /** Proxies (HTTPS_PROXY, HTTP_PROXY, NO_PROXY as the CLI read them). */
  proxy?: ProxyConfig;
  retries?: number;
  retryBaseMs?: number;
  timeoutMs?: number;
  /** Total time for the index's answer once a dist was sent (default DEFAULT_DEADLINE_MS). */
  deadlineMs?: number;
  /** Override the JSON API used for the --skip-existing pre-check (tests). */
  jsonApi?: string;
  logger?: Logger;
}

/** Armored signatures larger than this were refused by PyPI and still are by sane indexes. */
export const MAX_SIGNATURE_BYTES = 8 * 1024;
export const DEFAULT_UPLOAD_RETRIES = 5;

interface Prepared {
  file: string;
  dist: PythonDist;
  digests: DistDigests;
  signature?: Buffer;
  attestations: unknown[];
}

export async function uploadToPypi(options: PypiUploadOptions): Promise<FileResult[]> {
  const logger = options.logger ?? silentLogger;
  const repo = options.repository;
  const prepared: Prepared[] = [];
  for (const file of options.dists) prepared.push(await prepare(file, options));

  const signed = prepared.filter((p) => p.signature);
  if (repo.isPyPI && signed.length > 0) {
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
      signature: p.signature ? (repo.isPyPI ? 'not-sent' : 'sent') : 'none',
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

async function prepare(file: string, options: PypiUploadOptions): Promise<Prepared> {
  const dist = await readPythonDist(file);
  const errors = validateMetadata(dist.metadata, { filename: dist.filename }).filter(
    (f) => f.severity === 'error',
  );
  if (errors.length > 0) {
    throw new InputError(
      'E_METADATA',
      `${file} has invalid metadata (${dist.metadataMember}): ${errors.map((e) => e.message).join(' ')}`,
      {
        subject: file,
        hint: `Run \`distseal check ${path.basename(file)}\` for the details, fix the project metadata and rebuild.`,
      },
    );
  }
  const digests = await distDigests(file, {
    logger: options.logger,
    label: `hashing ${path.basename(file)}`,
  });
  let signature: Buffer | undefined;
  const asc = options.signatures?.get(file);
  if (asc) {
    try {
      signature = await readFile(asc);
    } catch (error) {
      throw wrapFsError(error, asc, 'read');
    }
    if (
      signature.length > MAX_SIGNATURE_BYTES ||
      !signature.toString('latin1').trimStart().startsWith('-----BEGIN PGP SIGNATURE-----')
    ) {
      throw new InputError(
        'E_SIGNATURE_FORMAT',
        `${asc} is not an ASCII-armored detached signature of at most 8 KiB.`,
        {
          subject: asc,
          hint: `Re-create it with \`distseal sign ${path.basename(file)}\` (or gpg --detach-sign -a).`,
        },
      );
    }
  }
  const attestations: unknown[] = [];
  for (const a of options.attestations?.get(file) ?? []) {
    try {
      attestations.push(JSON.parse(await readFile(a, 'utf8')));
    } catch (error) {
      if (error instanceof SyntaxError)
        throw new InputError('E_ATTESTATION', `${a} is not valid JSON: ${error.message}`, { subject: a });
      throw wrapFsError(error, a, 'read');
    }
  }
  return { file, dist, digests, signature, attestations };
}

function precheckFor(options: PypiUploadOptions, logger: Logger): ReleaseFiles | undefined {
  const api = options.jsonApi ?? (options.repository.isPyPI ? jsonApiFor(options.repository.url) : undefined);
  return api ? new ReleaseFiles(api, logger, { ...options.tls, proxy: options.proxy }) : undefined;
}

async function sendOne(
  p: Prepared,
  fields: FormField[],
  options: PypiUploadOptions,
  logger: Logger,
): Promise<Partial<FileResult>> {
  const repo = options.repository;
  const basename = path.basename(p.file);
  const sendSignature = p.signature && !repo.isPyPI ? p.signature : undefined;
  let streamed: string | undefined;
  const auth: Record<string, string> = options.credentials
    ? {
        authorization: `Basic ${Buffer.from(`${options.credentials.username.value}:${options.credentials.password.value}`).toString('base64')}`,
      }
    : {};
  const boundary = newBoundary();
  const partsInput = { fields, file: p.file, size: p.digests.size, signature: sendSignature };
  const headers: Record<string, string> = {
    ...(options.userAgent ? { 'user-agent': options.userAgent } : {}),
    ...auth,
    ...multipartHeaders(partsInput, boundary),
  };
  const length = Number(headers['content-length']);
  logger.info(`Uploading ${basename} to ${maskUrl(repo.url)}`);
  const response: HttpResponse = await requestWithRetry(
    {
      method: 'POST',
      url: repo.url,
      timeoutMs: options.timeoutMs,
      deadlineMs: options.deadlineMs,
      ...options.tls,
      proxy: options.proxy,
      headers,
      // A fresh body per attempt (same boundary, so the same Content-Length).
      body: () => {
        streamed = undefined;
        return multipartBody({ ...partsInput, onContentDigest: (d) => (streamed = d) }, boundary).stream;
      },
      onBodyProgress: (sent) =>
        logger.progress?.({
          id: p.file,
          label: `Uploading ${basename}`,
          done: Math.min(sent, length),
          total: length,
        }),
    },
    {
      retries: options.retries ?? DEFAULT_UPLOAD_RETRIES,
      baseDelayMs: options.retryBaseMs,
      logger,
      describe: `Upload of ${basename}`,
    },
  ).catch((error: unknown) => {
    const cause = error instanceof HttpError ? error.cause : error;
    if ((cause as { code?: string })?.code === 'E_FILE_CHANGED') {
      throw new InputError('E_FILE_CHANGED', `${(cause as Error).message}; the upload was abandoned.`, {
        subject: p.file,
        hint: 'Do not rebuild while uploading. Upload the final file again.',
      });
    }
    throw error;
  });
  if (response.status >= 300 && response.status < 400) throw redirectError(repo.url, response);
  // Whatever the index said, bytes that differ from the ones hashed mean the file changed under us.
  const sent = streamed as string | undefined;
  if (sent && sent !== p.digests.sha256) {
    throw new InputError(
      'E_FILE_CHANGED',
      `${p.file} changed while it was being uploaded: the bytes sent do not match the digests computed before (the index answered ${response.status}).`,
      {
        subject: p.file,
        hint: 'Do not rebuild while uploading. Check what the index now holds, then upload the final file again.',
      },
    );
  }
  if (response.status >= 200 && response.status < 300) {
    // "done" only once the index accepted the file (never before a 403/409/503).
    logger.progress?.({
      id: p.file,
      label: `Uploading ${basename}`,
      done: length,
      total: length,
      finished: true,
    });
    const note = response.body.trim();
    if (note && !/^<!DOCTYPE|^<html/i.test(note))
      logger.warn(`${maskUrl(repo.url)} says about ${basename}: ${serverMessage(response)}`);
    return { status: 'uploaded', httpStatus: response.status };
  }
  if (options.skipExisting && meansAlreadyExists(response)) {
    logger.info(
      `Skipping ${basename}: it is already on ${maskUrl(repo.url)} (${response.status} ${serverMessage(response)}).`,
    );
    return {
      status: 'skipped',
      reason: `already on the index (${response.status})`,
      httpStatus: response.status,
    };
  }
  throw refusedError(p.file, repo.url, response);
}
