/** Publishing to a PyPI-compatible index: skip what it serves with the same sha256, refuse a different file. */
import { InputError } from '../errors.js';
import { silentLogger } from '../logger.js';
import { uploadToPypi } from '../upload/pypi/upload.js';
import { listProjects } from './index-read.js';
import type { PlanFile } from './plan.js';
import type { PublishOptions } from './publish-options.js';
import type { ReleaseTarget, TargetOutcome } from './types.js';

type IndexTarget = Extract<ReleaseTarget, { kind: 'pypi' }>;

export async function publishToIndex(
  target: IndexTarget,
  dists: PlanFile[],
  o: PublishOptions,
  out: TargetOutcome,
): Promise<void> {
  const sigOf = new Map(o.signed.signatures.map((s) => [s.file, s.signatureFile]));
  out.signatures = target.repository.isPyPI
    ? 'not on PyPI (it discards them): publish them with a github: or dir: target'
    : 'on the index, beside each file (FILE.asc)';
  const there = new Map<string, string | undefined>();
  if (target.readUrl)
    for (const f of await listProjects(target.readUrl, dists, { ca: target.tls?.ca, proxy: o.proxy }))
      there.set(f.filename, f.sha256);
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
    proxy: o.proxy,
    logger: o.logger ?? silentLogger,
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
}
