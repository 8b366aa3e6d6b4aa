import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import FormData from 'form-data';
import { HttpError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { silentLogger } from '../../logger.js';
import { maskUrl, requestWithRetry, type HttpResponse, type RetryOptions } from '../../net/http.js';
import type { ProxyConfig } from '../../net/proxy.js';
import type { CondaUploadResult, ExistingMode } from './anaconda.js';
import { serverMessage } from './anaconda-api.js';
import { prepareArtifacts, type CondaArtifact } from './artifacts.js';

export const DEFAULT_PREFIX_URL = 'https://prefix.dev';

export interface PrefixUploadOptions {
  files: string[];
  serverUrl: string;
  /** The prefix.dev channel (it must already exist; channels are created on the website). */
  channel: string;
  apiKey: string;
  existing?: ExistingMode;
  dryRun?: boolean;
  logger?: Logger;
  retry?: RetryOptions;
  /** Proxies (HTTPS_PROXY, HTTP_PROXY, NO_PROXY as the CLI read them). */
  proxy?: ProxyConfig;
}

export interface PrefixUploadReport {
  server: string;
  channel: string;
  results: CondaUploadResult[];
}

/**
 * The multipart form rattler-build sends since PR #1370 (specs/conda.md section 3): one part
 * `file`, streamed, whose part headers carry Content-Type, Content-Length, X-File-Name and
 * X-File-SHA256. Built fresh per attempt so a retry re-reads the file from the start.
 */
export function buildPrefixForm(
  a: CondaArtifact,
  boundary: string,
  source: () => Readable = () => createReadStream(a.file, { highWaterMark: 1 << 20 }),
): FormData {
  const form = new FormData();
  form.setBoundary(boundary);
  form.append('file', source(), {
    filename: a.filename,
    knownLength: a.digests.size,
    header: {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(a.digests.size),
      'X-File-Name': a.filename,
      'X-File-SHA256': a.digests.sha256,
    },
  });
  return form;
}

/**
 * Upload conda packages to a prefix.dev channel. 409 means the file is already there (skipped
 * with --skip-existing, replaced with --force via `?force=true`). prefix.dev serves conda
 * packages only, so `.asc` files are not uploaded there; the result says so.
 */
export async function uploadToPrefix(options: PrefixUploadOptions): Promise<PrefixUploadReport> {
  const logger = options.logger ?? silentLogger;
  const server = options.serverUrl.replace(/\/+$/, '');
  const artifacts = await prepareArtifacts(options.files, logger);
  const results: CondaUploadResult[] = [];
  for (const a of artifacts) {
    const base = {
      file: a.file,
      kind: a.kind,
      package: a.packageName,
      version: a.version,
      basename: a.filename,
      sha256: a.digests.sha256,
      size: a.digests.size,
    };
    if (a.kind === 'signature') {
      logger.warn(
        `prefix.dev accepts conda packages only; ${a.filename} was not uploaded. Publish it next to your release instead.`,
      );
      results.push({ ...base, status: 'skipped' });
      continue;
    }
    if (options.dryRun) {
      results.push({ ...base, status: 'would-upload' });
      continue;
    }
    const force = options.existing === 'force';
    const url = `${server}/api/v1/upload/${encodeURIComponent(options.channel)}${force ? '?force=true' : ''}`;
    const id = `upload:${a.file}`;
    // A fixed boundary makes every attempt's form the same length, so the headers are known up front.
    const boundary = `----distseal${randomBytes(12).toString('hex')}`;
    const total = buildPrefixForm(a, boundary, () => Readable.from([])).getLengthSync();
    const response: HttpResponse = await requestWithRetry(
      {
        method: 'POST',
        url,
        headers: {
          authorization: `Bearer ${options.apiKey}`,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(total),
        },
        body: () => buildPrefixForm(a, boundary),
        timeoutMs: 10 * 60_000,
        proxy: options.proxy,
        onBodyProgress: (sent) =>
          logger.progress?.({ id, label: `uploading ${a.filename}`, done: Math.min(sent, total), total }),
      },
      { logger, describe: `upload of ${a.filename}`, ...options.retry },
    );
    const status = response.status;
    if (status >= 200 && status < 300) {
      logger.progress?.({ id, label: `uploading ${a.filename}`, done: total, total, finished: true });
      logger.info(`Uploaded ${a.filename} to ${options.channel}.`);
      results.push({
        ...base,
        status: force ? 'replaced' : 'uploaded',
        url: `${server}/${options.channel}/${a.subdir}/${a.filename}`,
      });
      continue;
    }
    if (status === 409 && options.existing === 'skip') {
      logger.info(`Skipping ${a.filename}: it is already in ${options.channel}.`);
      results.push({ ...base, status: 'skipped' });
      continue;
    }
    throw prefixError(response, a, url);
  }
  return { server, channel: options.channel, results };
}

function prefixError(response: HttpResponse, a: CondaArtifact, url: string): HttpError {
  const said = serverMessage(response).slice(0, 512);
  const status = response.status;
  const where = maskUrl(url.split('?')[0]!);
  if (status === 409)
    return new HttpError('E_EXISTS', `${a.filename} is already in the channel (409).`, {
      status,
      url: where,
      hint: 'Pass --skip-existing to leave it, or --force to replace it.',
    });
  if (status === 401)
    return new HttpError(
      'E_AUTH',
      `prefix.dev refused the API key (401): ${said || 'authentication failed'}.`,
      {
        status,
        url: where,
        hint: 'Create a key on prefix.dev (Settings > API keys), then `distseal login conda --server prefix` or set PREFIX_API_KEY.',
      },
    );
  if (status === 403)
    return new HttpError('E_AUTH', `prefix.dev says this key may not upload to the channel (403): ${said}.`, {
      status,
      url: where,
      hint: 'Ask the channel owner for write access, or check the channel settings.',
    });
  if (status === 404)
    return new HttpError('E_HTTP', `prefix.dev has no channel at ${where} (404): ${said}.`, {
      status,
      url: where,
      hint: 'Create the channel on prefix.dev first, and check --channel.',
    });
  return new HttpError(
    status >= 500 ? 'E_SERVER' : 'E_HTTP',
    `Upload of ${a.filename} to ${where} failed (${status}): ${said}.`,
    { status, url: where },
  );
}
