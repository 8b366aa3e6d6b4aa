/**
 * --force on anaconda.org: the server refuses a second file with the same name, so the old one
 * has to go before the new one can be staged. A copy is downloaded first and put back when the
 * new upload fails.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { condaDigests } from '../../distributions/conda/digests.js';
import { DistsealError, HttpError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { downloadToFile } from '../../net/download.js';
import { type AnacondaApi, artifactPath } from './anaconda-api.js';
import { distPath, stageAndSend, type SendOptions } from './anaconda-send.js';
import type { CondaArtifact } from './artifacts.js';

/** Download the file being replaced, so it can be put back if the new upload fails. */
export async function backupExisting(
  api: AnacondaApi,
  owner: string,
  a: CondaArtifact,
  logger: Logger,
): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'distseal-conda-backup-'));
  const file = path.join(dir, a.filename);
  const url = `${api.apiUrl}/download/${artifactPath(owner, a)}`;
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
export async function restoreBackup(
  api: AnacondaApi,
  owner: string,
  a: CondaArtifact,
  backupFile: string,
  options: SendOptions,
  logger: Logger,
): Promise<boolean> {
  try {
    if (await api.getOptional(distPath(owner, a))) return true; // the old one is still there (deletion failed)
    const digests = await condaDigests(backupFile);
    await stageAndSend(api, owner, { ...a, file: backupFile, digests }, options, logger);
    logger.warn(`The new ${a.filename} could not be uploaded; the previous file was put back.`);
    return true;
  } catch (error) {
    logger.warn(
      `Could not put the previous ${a.filename} back: ${error instanceof DistsealError ? error.message : String(error)}.`,
    );
    return false;
  }
}
