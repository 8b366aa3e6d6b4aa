/**
 * Steps 4-9 of an anaconda.org upload for one file (specs/conda.md section 2): package and release
 * (created when missing), stage, the storage POST, commit, and cleanup of what this run created
 * when the upload did not finish.
 */
import { HttpError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { RetryOptions } from '../../net/http.js';
import { type AnacondaApi, anacondaError, artifactPath, parseJson, quote } from './anaconda-api.js';
import { createdPayload, releasePayload, stagePayload } from './anaconda-payloads.js';
import type { CondaArtifact } from './artifacts.js';
import { postToS3 } from './s3.js';

/** What sending one file needs of the upload's options. */
export interface SendOptions {
  labels?: string[];
  private?: boolean;
  retry?: RetryOptions;
}

/** `/dist/<owner>/<package>/<version>/<basename>`: the file's record on the server. */
export function distPath(owner: string, a: CondaArtifact): string {
  return `/dist/${artifactPath(owner, a)}`;
}

/**
 * Steps 4-9 for one file: package and release (created when missing), stage, the storage POST,
 * commit, and cleanup of a package or release this run created when the upload did not finish.
 * A failed storage POST is re-staged for a fresh presigned form, a bounded number of times.
 */
export async function stageAndSend(
  api: AnacondaApi,
  owner: string,
  a: CondaArtifact,
  options: SendOptions,
  logger: Logger,
): Promise<'done' | 'exists'> {
  const pkgPath = `/package/${quote(owner, '')}/${quote(a.packageName, '')}`;
  const relPath = `/release/${quote(owner, '')}/${quote(a.packageName, '')}/${quote(a.version, '')}`;
  let createdPackage = false;
  let createdRelease = false;
  let committed = false;
  try {
    // 409 on create: an earlier attempt of ours (retried after a dropped connection) already made it.
    if (!(await api.getOptional(pkgPath))) {
      await api.expect('POST', pkgPath, [200, 201, 409], createdPayload(a, !options.private));
      createdPackage = true;
    }
    if (!(await api.getOptional(relPath))) {
      await api.expect('POST', relPath, [200, 201, 409], releasePayload(a));
      createdRelease = true;
    }
    const attempts = (options.retry?.retries ?? 3) + 1;
    for (let attempt = 1; ; attempt += 1) {
      const stagePath = `/stage/${artifactPath(owner, a)}`;
      const staged = await api.send('POST', stagePath, stagePayload(a, options.labels ?? []));
      if (staged.status === 409) return 'exists';
      if (staged.status !== 200 && staged.status !== 201)
        throw anacondaError(staged, `POST ${api.apiUrl}${stagePath}`);
      const stage = parseJson(staged, `POST ${stagePath}`);
      if (
        typeof stage.post_url !== 'string' ||
        typeof stage.form_data !== 'object' ||
        stage.form_data === null
      ) {
        throw new HttpError('E_SERVER_REPLY', `The stage reply for ${a.filename} has no post_url/form_data.`);
      }
      try {
        await postToS3(stage.post_url, stage.form_data as Record<string, unknown>, a, logger, api.proxy);
      } catch (error) {
        const retriable =
          error instanceof HttpError &&
          (error.code === 'E_NETWORK' || error.code === 'E_SERVER' || (error.status ?? 0) >= 500);
        if (!retriable || attempt >= attempts) throw error;
        logger.warn(
          `Upload of ${a.filename} failed (${error.message}); staging again, attempt ${attempt + 1} of ${attempts}.`,
        );
        await new Promise((r) =>
          setTimeout(r, Math.min(8000, (options.retry?.baseDelayMs ?? 500) * 2 ** (attempt - 1))),
        );
        continue;
      }
      const commitPath = `/commit/${artifactPath(owner, a)}`;
      const commit = await api.send('POST', commitPath, { dist_id: stage.dist_id });
      if (commit.status !== 200 && commit.status !== 201) {
        // A commit retried after a dropped answer may be refused although the first one went through.
        const there = await api.getOptional(distPath(owner, a));
        if (!there || (typeof there.sha256 === 'string' && there.sha256 !== a.digests.sha256))
          throw anacondaError(commit, `POST ${api.apiUrl}${commitPath}`);
      }
      committed = true;
      return 'done';
    }
  } finally {
    if (!committed) await cleanupEmpty(api, pkgPath, relPath, createdPackage, createdRelease, logger);
  }
}

/** Step 9: remove a release or package this run created if it is still empty. Best effort. */
async function cleanupEmpty(
  api: AnacondaApi,
  pkgPath: string,
  relPath: string,
  createdPackage: boolean,
  createdRelease: boolean,
  logger: Logger,
): Promise<void> {
  try {
    if (createdRelease) {
      const release = await api.getOptional(relPath);
      if (release && Array.isArray(release.distributions) && release.distributions.length === 0)
        await api.send('DELETE', relPath);
    }
    if (createdPackage) {
      const pkg = await api.getOptional(pkgPath);
      if (pkg && Array.isArray(pkg.files) && pkg.files.length === 0) await api.send('DELETE', pkgPath);
    }
  } catch (error) {
    logger.warn(
      `Could not remove the empty release/package this upload created: ${(error as Error).message}`,
    );
  }
}
