import { promises as fs } from 'node:fs';
import path from 'node:path';
import type * as openpgp from 'openpgp';
import { writeFileAtomic } from '../../io/atomic.js';
import { buildVerifyIndex } from './build-index.js';
import { parseIndex, serializeIndex } from './index-format.js';
import { trustInputsDigest, VERIFY_INDEX_FILE } from './inputs.js';

export interface RefreshIndexOptions {
  home: string;
  /** trustInputsDigest(home) taken before the keys below were read. */
  before: string;
  keys: openpgp.PublicKey[];
  ownFingerprints: string[];
  pins: boolean;
  distseal: string;
  now?: Date;
}

/**
 * After the full verifier read the home's keyring (no --keyring, no --policy), bring the
 * verification index up to date: written only when the trust inputs read the same before and
 * after the keys were loaded (so the index describes exactly those bytes), the home exists, and
 * the index there is missing, stale or of another version. Atomic, mode 0600. Returns whether it
 * wrote; never throws: a cache that cannot be written only means the fast path is not taken.
 */
export async function refreshVerifyIndex(options: RefreshIndexOptions): Promise<boolean> {
  try {
    const home = path.resolve(options.home);
    if (trustInputsDigest(home) !== options.before) return false;
    const target = path.join(home, VERIFY_INDEX_FILE);
    const current = parseIndex(await fs.readFile(target, 'utf8').catch(() => ''));
    if (current && current.inputs === options.before && current.distseal === options.distseal) return false;
    if (!(await fs.stat(home)).isDirectory()) return false;
    const index = await buildVerifyIndex({
      keys: options.keys,
      ownFingerprints: options.ownFingerprints,
      pins: options.pins,
      inputs: options.before,
      distseal: options.distseal,
      now: options.now ?? new Date(),
    });
    await writeFileAtomic(target, serializeIndex(index), { mode: 0o600 });
    return true;
  } catch {
    return false;
  }
}
