/**
 * Step 6 of a release: send each target the files it takes, reusing the uploaders distseal
 * already has. Every target skips what it already holds with identical bytes and refuses a
 * different file under the same name, so running the same release again after a failure
 * finishes it. A failing target does not stop the others; its outcome carries the error.
 */
import { DistsealError, OperationalError } from '../errors.js';
import { distsFor } from './assets.js';
import { publishToDir, publishToGithubRelease } from './publish-assets.js';
import { publishToChannel, publishToCondaServer } from './publish-conda.js';
import { publishToIndex } from './publish-index.js';
import type { PublishOptions } from './publish-options.js';
import type { ReleaseTarget, TargetOutcome } from './types.js';

export type { PublishOptions } from './publish-options.js';

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
  const dists = distsFor(target, o.plan);
  out.files = [];
  if (dists.length === 0) return;
  switch (target.kind) {
    case 'pypi':
      return publishToIndex(target, dists, o, out);
    case 'anaconda':
    case 'prefix':
      return publishToCondaServer(target, dists, o, out);
    case 'channel':
      return publishToChannel(target, dists, o, out);
    case 'github':
      return publishToGithubRelease(target, dists, o, out);
    case 'dir':
      return publishToDir(target, dists, o, out);
  }
}
