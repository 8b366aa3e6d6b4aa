import { createReadStream } from 'node:fs';
import FormData from 'form-data';
import { HttpError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { httpRequest, maskUrl, type HttpResponse } from '../../net/http.js';
import type { ProxyConfig } from '../../net/proxy.js';
import type { CondaArtifact } from './artifacts.js';

/**
 * The multipart form for anaconda.org's presigned S3 POST (specs/conda.md section 2, step 7):
 * every `form_data` pair exactly as the server returned it and in that order, then
 * `Content-Length` and `Content-MD5` (base64 of the raw MD5), then `file` LAST (S3 ignores
 * fields after the file). The file is streamed with a known length, never read into memory.
 */
export function buildS3Form(formData: Record<string, unknown>, artifact: CondaArtifact): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(formData))
    form.append(key, typeof value === 'string' ? value : JSON.stringify(value));
  form.append('Content-Length', String(artifact.digests.size));
  form.append('Content-MD5', artifact.digests.md5Base64);
  form.append('file', createReadStream(artifact.file, { highWaterMark: 1 << 20 }), {
    filename: artifact.filename,
    contentType: 'application/octet-stream',
    knownLength: artifact.digests.size,
  });
  return form;
}

/**
 * POST the file to the presigned URL: a plain request with no anaconda.org headers (the token
 * must never go to S3). Success is 201; an S3 XML error is explained (InvalidDigest = the file
 * changed while uploading). One attempt: the caller re-stages for a fresh form on failure.
 */
export async function postToS3(
  postUrl: string,
  formData: Record<string, unknown>,
  artifact: CondaArtifact,
  logger: Logger,
  proxy?: ProxyConfig,
): Promise<void> {
  const form = buildS3Form(formData, artifact);
  const total = form.getLengthSync();
  const id = `upload:${artifact.file}`;
  const label = `uploading ${artifact.filename}`;
  let response: HttpResponse;
  try {
    response = await httpRequest({
      method: 'POST',
      url: postUrl,
      headers: { ...(form.getHeaders() as Record<string, string>), 'content-length': String(total) },
      body: () => form,
      timeoutMs: 10 * 60_000,
      proxy,
      onBodyProgress: (sent) => logger.progress?.({ id, label, done: Math.min(sent, total), total }),
    });
  } catch (error) {
    throw error instanceof HttpError
      ? error
      : new HttpError(
          'E_NETWORK',
          `Upload of ${artifact.filename} to storage failed: ${(error as Error).message}`,
          { cause: error },
        );
  }
  if (response.status !== 201) {
    const code = /<Code>([^<]+)<\/Code>/.exec(response.body)?.[1];
    const message = /<Message>([^<]+)<\/Message>/.exec(response.body)?.[1];
    const why =
      code === 'InvalidDigest' || code === 'BadDigest'
        ? 'the MD5 checksum did not match (did the file change during the upload?)'
        : `${code ?? response.status}${message ? `: ${message}` : ''}`;
    throw new HttpError(
      response.status >= 500 ? 'E_SERVER' : 'E_STORAGE',
      `The storage server refused ${artifact.filename} (${response.status}): ${why}.`,
      {
        status: response.status,
        url: maskUrl(postUrl.split('?')[0]!),
      },
    );
  }
  logger.progress?.({ id, label, done: total, total, finished: true });
}
