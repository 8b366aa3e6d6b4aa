/**
 * Step 6 of a release: send each target the files it takes, reusing the uploaders distseal
 * already has. Every target skips what it already holds with identical bytes and refuses a
 * different file under the same name, so running the same release again after a failure
 * finishes it. A failing target does not stop the others; its outcome carries the error.
 */
import { copyFile, mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import type * as openpgp from 'openpgp';
import { addToChannel } from '../channel/add.js';
import { DistsealError, InputError, OperationalError } from '../errors.js';
import { sha256File } from '../io/hash.js';
import { wrapFsError } from '../io/atomic.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { createDetachedSignature } from '../sign/index.js';
import { uploadToAnaconda } from '../upload/conda/anaconda.js';
import { uploadToPrefix } from '../upload/conda/prefix.js';
import { publishToGithub } from '../upload/github/release.js';
import { uploadToPypi } from '../upload/pypi/upload.js';
import { listIndexFiles } from './index-read.js';
import type { PlanFile, ReleasePlan } from './plan.js';
import type { SignStepResult } from './sign-step.js';
import { targetTakes } from './targets.js';
import type { PublishedFile, ReleaseTarget, TargetOutcome } from './types.js';

export interface PublishOptions {
  plan: ReleasePlan;
  signed: SignStepResult;
  targets: ReleaseTarget[];
  /** For a file channel's repodata.json signature. */
  signingKey: openpgp.PrivateKey;
  dryRun?: boolean;
  logger?: Logger;
}

/** An asset of a release: a dist, a signature or the checksum list. */
export interface Asset {
  file: string;
  name: string;
  size: number;
  sha256: string;
}

/** The dists a target takes. */
export function distsFor(target: ReleaseTarget, plan: ReleasePlan): PlanFile[] {
  const takes = targetTakes(target.kind);
  return plan.files.filter((f) => takes === 'all' || f.ecosystem === takes);
}

/** Everything `github:` and `dir:` publish: dists, their .asc, SHA256SUMS and its .asc. */
export async function releaseAssets(plan: ReleasePlan, signed: SignStepResult): Promise<Asset[]> {
  const assets: Asset[] = plan.files.map((f) => ({
    file: f.file,
    name: f.basename,
    size: f.size,
    sha256: f.sha256,
  }));
  const extra = [...signed.signatures.map((s) => s.signatureFile)];
  if (signed.manifest) extra.push(signed.manifest.file, signed.manifest.signatureFile);
  for (const file of extra) {
    const { size } = await import('node:fs/promises').then((fs) => fs.stat(file));
    assets.push({ file, name: path.basename(file), size, sha256: await sha256File(file) });
  }
  return assets;
}

export async function publishRelease(options: PublishOptions): Promise<TargetOutcome[]> {
  const outcomes: TargetOutcome[] = [];
  for (const target of options.targets) {
    const outcome: TargetOutcome = { target: target.spec, kind: target.kind, ok: false, files: [] };
    try {
      await publishOne(target, options, outcome);
      outcome.ok = outcome.files.every((f) => f.status !== 'failed');
    } catch (error) {
      outcome.error =
        error instanceof DistsealError
          ? error
          : new OperationalError(
              'E_PUBLISH',
              `Publishing to ${target.spec} failed: ${(error as Error).message}`,
              {
                cause: error,
              },
            );
      for (const f of outcome.files) if (f.status === 'would-upload') f.status = 'not-attempted';
    }
    outcomes.push(outcome);
  }
  return outcomes;
}

async function publishOne(target: ReleaseTarget, o: PublishOptions, out: TargetOutcome): Promise<void> {
  const logger = o.logger ?? silentLogger;
  const dists = distsFor(target, o.plan);
  const sigOf = new Map(o.signed.signatures.map((s) => [s.file, s.signatureFile]));
  const files = (status: PublishedFile['status']) =>
    dists.map((d) => ({ file: d.file, name: d.basename, status }) as PublishedFile);
  if (dists.length === 0) {
    out.files = [];
    return;
  }
  switch (target.kind) {
    case 'pypi': {
      out.signatures = target.repository.isPyPI
        ? 'not on PyPI (it discards them): publish them with a github: or dir: target'
        : 'on the index, beside each file (FILE.asc)';
      // Skip what the index already serves with the same sha256; refuse a different file.
      const there = new Map<string, string | undefined>();
      if (target.readUrl) {
        for (const project of new Set(dists.map((d) => d.name)))
          for (const f of await listIndexFiles(target.readUrl, project, { ca: target.tls?.ca }))
            there.set(f.filename, f.sha256);
      }
      const todo = dists.filter((d) => {
        if (!there.has(d.basename)) return true;
        const sha = there.get(d.basename);
        if (sha && sha !== d.sha256)
          throw new InputError(
            'E_EXISTS_DIFFERENT',
            `${target.spec} already has ${d.basename} with other bytes (sha256 ${sha}).`,
            { subject: d.file, hint: 'A published file never changes: bump the version and build again.' },
          );
        return false;
      });
      out.files = dists.map((d) => ({
        file: d.file,
        name: d.basename,
        status: todo.includes(d) ? 'would-upload' : 'skipped',
      }));
      if (o.dryRun || todo.length === 0) return;
      const credentials = await target.credentials();
      out.credential = credentials.password.source;
      const results = await uploadToPypi({
        dists: todo.map((d) => d.file),
        signatures: new Map(
          todo.map((d) => [d.file, sigOf.get(d.file)!]).filter(([, s]) => s) as Array<[string, string]>,
        ),
        repository: target.repository,
        credentials,
        tls: target.tls,
        logger,
      });
      for (const r of results) {
        const f = out.files.find((x) => x.file === r.file)!;
        f.status =
          r.status === 'uploaded' || r.status === 'skipped'
            ? r.status
            : r.status === 'failed'
              ? 'failed'
              : 'not-attempted';
      }
      const failed = results.find((r) => r.error);
      if (failed) throw failed.error!;
      return;
    }
    case 'anaconda':
    case 'prefix': {
      out.signatures =
        target.kind === 'anaconda'
          ? 'on anaconda.org, in the <name>-signatures package'
          : 'not on prefix.dev (it takes packages only)';
      out.files = files('would-upload');
      const token = o.dryRun ? '' : await target.token();
      if (o.dryRun) return;
      const common = { files: dists.map((d) => d.file), existing: 'skip' as const, logger };
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
      return;
    }
    case 'channel': {
      out.signatures = 'in the channel, beside each package (FILE.asc), and repodata.json.asc';
      out.files = files('would-upload');
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
      return;
    }
    case 'github': {
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
        logger,
      });
      for (const a of result.assets) {
        const f = out.files.find((x) => x.name === a.name)!;
        f.status =
          a.status === 'skipped' ? 'skipped' : a.status === 'would-upload' ? 'would-upload' : 'uploaded';
      }
      out.url = result.release?.url;
      return;
    }
    case 'dir': {
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
      return;
    }
  }
}
