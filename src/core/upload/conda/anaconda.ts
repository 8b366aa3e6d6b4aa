import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { condaDigests } from '../../distributions/conda/digests.js';
import { DistsealError, HttpError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { silentLogger } from '../../logger.js';
import type { RetryOptions } from '../../net/http.js';
import { AnacondaApi, anacondaError, parseJson, quote } from './anaconda-api.js';
import { prepareArtifacts, type CondaArtifact } from './artifacts.js';
import { downloadToFile } from '../../net/download.js';
import type { ProxyConfig } from '../../net/proxy.js';
import { createdPayload, releasePayload, stagePayload } from './anaconda-payloads.js';
import { postToS3 } from './s3.js';

export type ExistingMode = 'fail' | 'skip' | 'force';

export interface AnacondaUploadOptions {
  files: string[];
  apiUrl: string;
  token: string;
  /** User or organization to upload to (default: the token's own user). */
  owner?: string;
  /** Labels (anaconda.org "channels"); none means the server applies `main`. */
  labels?: string[];
  existing?: ExistingMode;
  /** New packages are created private instead of public. */
  private?: boolean;
  dryRun?: boolean;
  logger?: Logger;
  /** Backoff for each API step and for re-staging after a failed storage POST. */
  retry?: RetryOptions;
  /** Proxies (HTTPS_PROXY, HTTP_PROXY, NO_PROXY as the CLI read them). */
  proxy?: ProxyConfig;
}

export interface CondaUploadResult {
  file: string;
  kind: 'conda' | 'signature';
  package: string;
  version: string;
  basename: string;
  status: 'uploaded' | 'replaced' | 'skipped' | 'would-upload';
  sha256: string;
  size: number;
  /** Where a consumer downloads it. */
  url?: string;
}

export interface AnacondaUploadReport {
  server: string;
  owner: string;
  results: CondaUploadResult[];
}

/**
 * Upload conda packages (and their `.asc` signatures, into `<name>-signatures` as type `file`)
 * to anaconda.org with the request sequence of specs/conda.md section 2, steps 0-9. Better than
 * anaconda-client in three ways: each step is retried on 5xx and dropped connections; the file is
 * hashed once and streamed once; and --force keeps a copy of the old file and puts it back when
 * the new upload fails (the server refuses a second file with the same name, so the old one has
 * to go before the new one can be staged).
 */
export async function uploadToAnaconda(options: AnacondaUploadOptions): Promise<AnacondaUploadReport> {
  const logger = options.logger ?? silentLogger;
  const artifacts = await prepareArtifacts(options.files, logger);
  const api = new AnacondaApi({
    apiUrl: options.apiUrl,
    token: options.token,
    logger,
    retry: options.retry,
    proxy: options.proxy,
  });
  // Step 0: is this an anaconda.org API at all?
  const head = await api.send('HEAD', '/').catch((error: unknown) => {
    throw new HttpError(
      'E_NETWORK',
      `The API server ${api.apiUrl} is unavailable: ${(error as Error).message}`,
      { cause: error, url: api.apiUrl, hint: 'Check --server-url and your network.' },
    );
  });
  if (head.status === 404 || head.status >= 500)
    throw new HttpError('E_NETWORK', `The API server ${api.apiUrl} is unavailable (${head.status}).`, {
      status: head.status,
      url: api.apiUrl,
      hint: 'Check --server-url.',
    });
  // Step 1: who are we, and whose channel (this is also where an expired token shows up).
  const user = parseJson(await api.expect('GET', '/user', [200]), `GET ${api.apiUrl}/user`);
  if (typeof user.login !== 'string' || !user.login) {
    throw new HttpError(
      'E_AUTH',
      'anaconda.org did not recognise the token (it answered as an anonymous user).',
      { hint: 'Create a token with the scopes "api:read api:write" and run `distseal login conda`.' },
    );
  }
  let owner = user.login;
  if (options.owner && options.owner !== user.login) {
    owner = String(
      parseJson(
        await api.expect('GET', `/user/${quote(options.owner, '')}`, [200]),
        `GET /user/${options.owner}`,
      ).login ?? options.owner,
    );
  }
  const results: CondaUploadResult[] = [];
  for (const artifact of artifacts) {
    results.push(await uploadOne(api, owner, artifact, options, logger));
  }
  return { server: api.apiUrl, owner, results };
}

function distPath(owner: string, a: CondaArtifact): string {
  return `/dist/${quote(owner, '')}/${quote(a.packageName, '')}/${quote(a.version, '')}/${quote(a.remoteBasename)}`;
}

/** The URL a consumer downloads from (conda for packages; the /download API for signatures). */
export function consumerUrl(apiUrl: string, owner: string, a: CondaArtifact, labels: string[]): string {
  if (a.kind === 'signature')
    return `${apiUrl}/download/${owner}/${a.packageName}/${a.version}/${a.remoteBasename}`;
  const label = labels.length && labels[0] !== 'main' ? `/label/${labels[0]}` : '';
  const base = /^https:\/\/api\.anaconda\.org$/.test(apiUrl)
    ? 'https://conda.anaconda.org'
    : `${apiUrl}/conda`;
  return `${base}/${owner}${label}/${a.subdir}/${a.filename}`;
}

async function uploadOne(
  api: AnacondaApi,
  owner: string,
  a: CondaArtifact,
  options: AnacondaUploadOptions,
  logger: Logger,
): Promise<CondaUploadResult> {
  const labels = options.labels ?? [];
  const base = {
    file: a.file,
    kind: a.kind,
    package: a.packageName,
    version: a.version,
    basename: a.remoteBasename,
    sha256: a.digests.sha256,
    size: a.digests.size,
    url: consumerUrl(api.apiUrl, owner, a, labels),
  };
  const where = `${owner}/${a.packageName}/${a.version}/${a.remoteBasename}`;
  // Step 3: the cheap existence pre-check.
  const existing = await api.getOptional(distPath(owner, a));
  if (existing) {
    const mode = options.existing ?? 'fail';
    // anaconda-client skips by name only (its issue #655); we also say whether the bytes match.
    const remoteSha = typeof existing.sha256 === 'string' ? existing.sha256.toLowerCase() : undefined;
    if (mode === 'skip' || (mode === 'force' && remoteSha === a.digests.sha256)) {
      if (remoteSha && remoteSha !== a.digests.sha256)
        logger.warn(
          `Skipping ${a.filename}, but the file on the server is different (sha256 ${remoteSha}); use --force to replace it.`,
        );
      else
        logger.info(
          `Skipping ${a.filename}: ${where} already exists${remoteSha ? ' with the same sha256' : ''}.`,
        );
      return { ...base, status: 'skipped' };
    }
    if (mode === 'fail') throw existsError(where);
  }
  if (options.dryRun) return { ...base, status: 'would-upload' };
  let backup: { dir: string; file: string } | undefined;
  if (existing) backup = await backupExisting(api, owner, a, logger);
  try {
    if (existing) {
      await api.expect('DELETE', distPath(owner, a), [200, 201, 202, 204]);
      logger.info(`Removed the old ${where} (a copy is kept until the new one is in).`);
    }
    const status = await stageAndSend(api, owner, a, options, logger);
    if (status === 'exists') {
      if ((options.existing ?? 'fail') === 'skip') return { ...base, status: 'skipped' };
      throw existsError(where);
    }
    logger.info(`Uploaded ${a.filename} to ${where}.`);
    return { ...base, status: existing ? 'replaced' : 'uploaded' };
  } catch (error) {
    if (backup && !(await restoreBackup(api, owner, a, backup.file, options, logger))) {
      const kept = backup;
      backup = undefined; // keep the copy on disk: it may be the only one left
      throw new HttpError(
        'E_FORCE_FAILED',
        `Replacing ${where} failed (${(error as Error).message}), and the old file could not be put back.`,
        {
          cause: error,
          hint: `The old file is saved at ${kept.file}; upload it again with \`distseal upload conda\` once the server works.`,
        },
      );
    }
    throw error;
  } finally {
    if (backup) await rm(backup.dir, { recursive: true, force: true });
  }
}

function existsError(where: string): HttpError {
  return new HttpError('E_EXISTS', `${where} already exists on anaconda.org (409).`, {
    status: 409,
    hint: 'Pass --skip-existing to leave it, or --force to replace it (the old file is restored if the new upload fails).',
  });
}

/**
 * Steps 4-9 for one file: package and release (created when missing), stage, the storage POST,
 * commit, and cleanup of a package or release this run created when the upload did not finish.
 * A failed storage POST is re-staged for a fresh presigned form, a bounded number of times.
 */
async function stageAndSend(
  api: AnacondaApi,
  owner: string,
  a: CondaArtifact,
  options: AnacondaUploadOptions,
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
      const stagePath = `/stage/${quote(owner, '')}/${quote(a.packageName, '')}/${quote(a.version, '')}/${quote(a.remoteBasename)}`;
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
      const commitPath = `/commit/${quote(owner, '')}/${quote(a.packageName, '')}/${quote(a.version, '')}/${quote(a.remoteBasename)}`;
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

/** --force: download the file being replaced, so it can be put back if the new upload fails. */
async function backupExisting(
  api: AnacondaApi,
  owner: string,
  a: CondaArtifact,
  logger: Logger,
): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'distseal-conda-backup-'));
  const file = path.join(dir, a.filename);
  const url = `${api.apiUrl}/download/${quote(owner, '')}/${quote(a.packageName, '')}/${quote(a.version, '')}/${quote(a.remoteBasename)}`;
  const status = await downloadToFile(url, file, {
    headers: { authorization: `token ${api.token}` },
    proxy: api.proxy,
  }).catch(async (error: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  if (status !== 200) {
    await rm(dir, { recursive: true, force: true });
    throw new HttpError(
      'E_FORCE_BACKUP',
      `Could not download the existing ${a.remoteBasename} (${status}) to keep a copy, so it was not replaced.`,
      {
        status,
        hint: 'Nothing was changed on the server. Delete the old file on anaconda.org by hand if you really want to replace it.',
      },
    );
  }
  logger.debug(`Kept a copy of the old ${a.remoteBasename}.`);
  return { dir, file };
}

/** Put the old file back after a failed --force; true when it is on the server again. */
async function restoreBackup(
  api: AnacondaApi,
  owner: string,
  a: CondaArtifact,
  backupFile: string,
  options: AnacondaUploadOptions,
  logger: Logger,
): Promise<boolean> {
  try {
    if (await api.getOptional(distPath(owner, a))) return true; // the old one is still there (deletion failed)
    const digests = await condaDigests(backupFile);
    await stageAndSend(
      api,
      owner,
      { ...a, file: backupFile, digests },
      { ...options, existing: 'fail' },
      logger,
    );
    logger.warn(`The new ${a.filename} could not be uploaded; the previous file was put back.`);
    return true;
  } catch (error) {
    logger.warn(
      `Could not put the previous ${a.filename} back: ${error instanceof DistsealError ? error.message : String(error)}.`,
    );
    return false;
  }
}
