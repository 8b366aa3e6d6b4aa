/**
 * One dist to the index: a streamed multipart POST with bounded retries, never following a
 * redirect, checking that the bytes sent are the bytes hashed, and reading the index's answer
 * (uploaded, already there, or refused).
 */
import path from 'node:path';
import type { Credentials } from '../../config/credentials.js';
import type { ResolvedRepository } from '../../config/repository.js';
import { HttpError, InputError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { maskUrl, requestWithRetry, type HttpResponse } from '../../net/http.js';
import type { ProxyConfig } from '../../net/proxy.js';
import type { FormField } from './fields.js';
import { multipartBody, multipartHeaders, newBoundary } from './multipart.js';
import type { Prepared } from './prepare.js';
import { meansAlreadyExists, redirectError, refusedError, serverMessage } from './responses.js';
import { signaturePolicy } from './signature-policy.js';

export const DEFAULT_UPLOAD_RETRIES = 5;

/** What sending one dist needs of the upload's options. */
export interface SendOptions {
  repository: ResolvedRepository;
  /** Not needed for a dry run. */
  credentials?: Credentials;
  skipExisting?: boolean;
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  /** The User-Agent to send (the CLI passes `distseal/<version> node/<version>`). */
  userAgent?: string;
  /** Proxies (HTTPS_PROXY, HTTP_PROXY, NO_PROXY as the CLI read them). */
  proxy?: ProxyConfig;
  /** Retries after a 5xx, a reset connection or a timeout (default DEFAULT_UPLOAD_RETRIES). */
  retries?: number;
  retryBaseMs?: number;
  timeoutMs?: number;
  /** Total time for the index's answer once a dist was sent (default DEFAULT_DEADLINE_MS). */
  deadlineMs?: number;
}

/** How the index took one dist (a refusal throws). */
export interface SendOutcome {
  status: 'uploaded' | 'skipped';
  reason?: string;
  httpStatus: number;
}

export async function sendOne(
  p: Prepared,
  fields: FormField[],
  options: SendOptions,
  logger: Logger,
): Promise<SendOutcome> {
  const repo = options.repository;
  const basename = path.basename(p.file);
  const sendSignature =
    p.signature && signaturePolicy({ isPyPI: repo.isPyPI }).sendSignatures ? p.signature : undefined;
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
