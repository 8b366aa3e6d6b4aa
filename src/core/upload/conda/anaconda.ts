import { rm } from 'node:fs/promises';
import { HttpError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { silentLogger } from '../../logger.js';
import type { RetryOptions } from '../../net/http.js';
import type { ProxyConfig } from '../../net/proxy.js';
import { AnacondaApi, parseJson, quote } from './anaconda-api.js';
import { backupExisting, restoreBackup } from './anaconda-backup.js';
import { distPath, stageAndSend } from './anaconda-send.js';
import { prepareArtifacts, type CondaArtifact } from './artifacts.js';

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
