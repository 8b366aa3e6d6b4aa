/** A subdir's repodata.json, read only once its signature verified with the trusted keyring. */
import { readFile } from 'node:fs/promises';
import { parseRepodata, type Repodata } from '../channel/repodata.js';
import type { ChannelProblem } from '../channel/mismatches.js';
import { verifyWithSidecar } from '../channel/sidecar.js';
import type { ChannelSource } from '../channel/source.js';
import { REPODATA_FILE } from '../channel/store.js';
import type { TrustInputs } from './fetch-verified.js';

export async function signedRepodata(
  source: ChannelSource,
  subdir: string,
  trust: TrustInputs,
): Promise<{ repodata?: Repodata; verified: boolean; problems: ChannelProblem[] }> {
  const rel = `${subdir}/${REPODATA_FILE}`;
  const local = await source.fetch(rel);
  if (!local) return { verified: false, problems: [] };
  try {
    const verdict = await verifyWithSidecar(source, rel, local, trust);
    if (!('verified' in verdict)) return { verified: false, problems: [verdict] };
    if (!verdict.verified)
      return {
        verified: false,
        problems: [
          {
            subject: rel,
            code: 'E_REPODATA_SIGNATURE',
            message: `The signature of ${rel} does not verify: ${verdict.problems.map((p) => p.message).join(' ')}.`,
            hint: verdict.problems[0]?.hint,
          },
        ],
      };
    // Read only after the signature verified the very bytes parsed here (the same local file).
    const repodata = parseRepodata(await readFile(local, 'utf8'), rel, subdir);
    return { repodata, verified: true, problems: [] };
  } finally {
    await source.release(local);
  }
}
