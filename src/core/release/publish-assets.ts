/** Publishing release assets (dists, .asc, SHA256SUMS and its .asc): a GitHub release or a directory. */
import { copyFile, mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import { wrapFsError } from '../io/atomic.js';
import { sha256File } from '../io/hash.js';
import { silentLogger } from '../logger.js';
import { publishToGithub } from '../upload/github/release.js';
import { releaseAssets } from './assets.js';
import type { PlanFile } from './plan.js';
import type { PublishOptions } from './publish-options.js';
import type { ReleaseTarget, TargetOutcome } from './types.js';

type GithubTarget = Extract<ReleaseTarget, { kind: 'github' }>;
type DirTarget = Extract<ReleaseTarget, { kind: 'dir' }>;

export async function publishToGithubRelease(
  target: GithubTarget,
  dists: PlanFile[],
  o: PublishOptions,
  out: TargetOutcome,
): Promise<void> {
  out.signatures = 'release assets (FILE.asc, SHA256SUMS, SHA256SUMS.asc)';
  const assets = await releaseAssets({ ...o.plan, files: dists }, o.signed);
  out.files = assets.map((a) => ({ file: a.file, name: a.name, status: 'would-upload' }));
  let token: string;
  try {
    token = await target.token();
  } catch (error) {
    // A dry run without a token cannot ask GitHub what is there; it still lists what would go.
    if (o.dryRun) return;
    throw error;
  }
  out.credential = 'GitHub token';
  const result = await publishToGithub({
    apiUrl: target.apiUrl,
    token,
    owner: target.owner,
    repo: target.repo,
    tag: target.tag,
    files: assets,
    keepDraft: target.keepDraft,
    dryRun: o.dryRun,
    logger: o.logger ?? silentLogger,
    proxy: o.proxy,
  });
  for (const a of result.assets) {
    const f = out.files.find((x) => x.name === a.name)!;
    f.status = a.status === 'skipped' ? 'skipped' : a.status === 'would-upload' ? 'would-upload' : 'uploaded';
  }
  out.url = result.release?.url;
}

export async function publishToDir(
  target: DirTarget,
  dists: PlanFile[],
  o: PublishOptions,
  out: TargetOutcome,
): Promise<void> {
  out.signatures = `in ${target.dir} (FILE.asc, SHA256SUMS, SHA256SUMS.asc)`;
  const assets = await releaseAssets({ ...o.plan, files: dists }, o.signed);
  out.files = [];
  for (const a of assets) {
    const dest = path.join(target.dir, a.name);
    const there = await sha256File(dest).catch(() => undefined);
    if (there !== undefined && there !== a.sha256 && !a.name.endsWith('.asc') && a.name !== 'SHA256SUMS')
      throw new InputError('E_EXISTS_DIFFERENT', `${dest} already exists with other bytes.`, {
        subject: dest,
        hint: 'A published file never changes: move it away, or release a new version.',
      });
    out.files.push({
      file: a.file,
      name: a.name,
      status: there === a.sha256 ? 'skipped' : o.dryRun ? 'would-upload' : 'uploaded',
      url: dest,
    });
  }
  if (o.dryRun) return;
  await mkdir(target.dir, { recursive: true }).catch((e: unknown) => {
    throw wrapFsError(e, target.dir, 'create');
  });
  for (const f of out.files) {
    if (f.status !== 'uploaded') continue;
    const tmp = `${f.url!}.distseal-tmp`;
    try {
      await copyFile(f.file, tmp);
      await rename(tmp, f.url!);
    } catch (error) {
      f.status = 'failed';
      throw wrapFsError(error, f.url!, 'write');
    }
  }
  out.url = target.dir;
}
