/** Publishing conda packages: anaconda.org, prefix.dev, and a signed file channel. */
import path from 'node:path';
import { addToChannel } from '../channel/add.js';
import { silentLogger } from '../logger.js';
import { createDetachedSignature } from '../sign/index.js';
import { uploadToAnaconda } from '../upload/conda/anaconda.js';
import { uploadToPrefix } from '../upload/conda/prefix.js';
import type { PlanFile } from './plan.js';
import type { PublishOptions } from './publish-options.js';
import type { PublishedFile, ReleaseTarget, TargetOutcome } from './types.js';

type ServerTarget = Extract<ReleaseTarget, { kind: 'anaconda' | 'prefix' }>;
type ChannelTarget = Extract<ReleaseTarget, { kind: 'channel' }>;

const pending = (dists: PlanFile[]): PublishedFile[] =>
  dists.map((d) => ({ file: d.file, name: d.basename, status: 'would-upload' }));

export async function publishToCondaServer(
  target: ServerTarget,
  dists: PlanFile[],
  o: PublishOptions,
  out: TargetOutcome,
): Promise<void> {
  out.signatures =
    target.kind === 'anaconda'
      ? 'on anaconda.org, in the <name>-signatures package'
      : 'not on prefix.dev (it takes packages only)';
  out.files = pending(dists);
  if (o.dryRun) return;
  const token = await target.token();
  const common = {
    files: dists.map((d) => d.file),
    existing: 'skip' as const,
    logger: o.logger ?? silentLogger,
    proxy: o.proxy,
  };
  const report =
    target.kind === 'anaconda'
      ? await uploadToAnaconda({
          ...common,
          apiUrl: target.apiUrl,
          token,
          owner: target.owner,
          labels: target.labels,
        })
      : await uploadToPrefix({
          ...common,
          serverUrl: target.serverUrl,
          channel: target.channel,
          apiKey: token,
        });
  if ('owner' in report && target.kind === 'anaconda') target.owner = report.owner;
  for (const r of report.results) {
    if (r.kind !== 'conda') continue;
    const f = out.files.find((x) => x.file === r.file);
    if (f) Object.assign(f, { status: r.status === 'skipped' ? 'skipped' : 'uploaded', url: r.url });
  }
}

export async function publishToChannel(
  target: ChannelTarget,
  dists: PlanFile[],
  o: PublishOptions,
  out: TargetOutcome,
): Promise<void> {
  const logger = o.logger ?? silentLogger;
  out.signatures = 'in the channel, beside each package (FILE.asc), and repodata.json.asc';
  out.files = pending(dists);
  const report = await addToChannel({
    channel: target.dir,
    files: dists.map((d) => d.file),
    sign: (file) => createDetachedSignature(file, o.signingKey, { logger }),
    dryRun: o.dryRun,
    logger,
  });
  for (const r of report.results) {
    const f = out.files.find((x) => path.resolve(x.file) === path.resolve(r.file));
    if (f)
      Object.assign(f, {
        status: r.status === 'unchanged' ? 'skipped' : o.dryRun ? 'would-upload' : 'uploaded',
        url: r.target,
      });
  }
  out.url = target.dir;
}
