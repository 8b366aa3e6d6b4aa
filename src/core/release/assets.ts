/** What each target takes from a release: its dists, and for github:/dir: every asset beside them. */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { sha256File } from '../io/hash.js';
import type { PlanFile, ReleasePlan } from './plan.js';
import type { SignStepResult } from './sign-step.js';
import { targetTakes } from './targets.js';
import type { ReleaseTarget } from './types.js';

/** An asset of a release: a dist, a signature or the checksum list. */
export interface Asset {
  file: string;
  name: string;
  size: number;
  sha256: string;
}

/** The dists a target takes. */
export function distsFor(target: Pick<ReleaseTarget, 'kind'>, plan: ReleasePlan): PlanFile[] {
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
    const { size } = await stat(file);
    assets.push({ file, name: path.basename(file), size, sha256: await sha256File(file) });
  }
  return assets;
}
