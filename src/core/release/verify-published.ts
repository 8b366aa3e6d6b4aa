/**
 * Step 7 of a release: read back from every target what it now serves and compare it with the
 * local files (sha256 and size, the served bytes hashed as they stream), and verify every
 * signature the target serves against the signing key. Any difference fails the release
 * (exit 3) and names the file and the target.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { distsFor } from './assets.js';
import { readBackDir, readBackGithub } from './read-back-assets.js';
import type { ReadBack, VerifyPublishedOptions } from './read-back-common.js';
import { readBackAnaconda, readBackChannel, readBackPrefix } from './read-back-conda.js';
import { readBackIndex } from './read-back-index.js';
import type { ReleaseTarget, TargetVerification } from './types.js';

export type { VerifyPublishedOptions } from './read-back-common.js';

export async function verifyPublished(options: VerifyPublishedOptions): Promise<TargetVerification[]> {
  const out: TargetVerification[] = [];
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'distseal-release-'));
  try {
    for (const [i, target] of options.targets.entries()) {
      const outcome = options.outcomes[i];
      if (!outcome?.ok) {
        out.push({ target: target.spec, ok: false, checked: false, note: 'not published', files: [] });
        continue;
      }
      const result = await verifyOne(target, { ...options, tmp });
      result.ok = result.files.every((f) => f.ok && f.signature !== 'bad');
      out.push(result);
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return out;
}

function verifyOne(target: ReleaseTarget, o: ReadBack): Promise<TargetVerification> {
  const result: TargetVerification = { target: target.spec, ok: true, checked: true, files: [] };
  const dists = distsFor(target, o.plan);
  switch (target.kind) {
    case 'pypi':
      return readBackIndex(target, dists, o, result);
    case 'anaconda':
      return readBackAnaconda(target, dists, o, result);
    case 'prefix':
      return readBackPrefix(target, dists, result, o.proxy);
    case 'channel':
      return readBackChannel(target, dists, o, result);
    case 'github':
      return readBackGithub(target, dists, o, result);
    case 'dir':
      return readBackDir(target, dists, o, result);
  }
}
