import path from 'node:path';
import { DistsealError } from '../../core/errors.js';
import { planRelease, type ReleasePlan } from '../../core/release/index.js';
import type { Action } from '../action.js';
import type { WizardDeps } from '../deps.js';
import { absolute, words } from '../paths.js';
import { chooseSigningKey, unlockFor, withKeychainStep, withUnlock } from '../signing.js';
import { extendThen, offerExtension } from './extend.js';
import { gatherReleasePlan } from './gather.js';
import { releaseSummary } from './summary.js';

/**
 * The Release entry: which dists, where they go (gatherReleasePlan), the key, a summary of what
 * goes where, one confirmation, the passphrase. The plan is `distseal release ... --yes`: the
 * confirmation happened here, so the command (run non-interactively) must not ask again, and
 * the printed line is the real non-interactive one. The passphrase travels in memory.
 */
export async function releaseFlow(deps: WizardDeps): Promise<Action | undefined> {
  const p = deps.prompter;
  const cwd = deps.ctx.cwd;
  const defaultDir = path.join(cwd, 'dist');
  // Reading and hashing happen once per answer: the validator's plan is the one kept.
  const planned = new Map<string, ReleasePlan>();
  const filesAnswer = await p.input({
    id: 'release.files',
    message: 'Dists to release (separated by spaces; empty: everything in dist/):',
    validate: async (v) => {
      try {
        planned.set(v.trim(), await planRelease({ files: absolute(cwd, words(v)), defaultDir }));
        return true;
      } catch (error) {
        if (!(error instanceof DistsealError)) throw error;
        return error.hint ? `${error.message} ${error.hint}` : error.message;
      }
    },
  });
  const files = absolute(cwd, words(filesAnswer));
  const plan = planned.get(filesAnswer.trim()) ?? (await planRelease({ files, defaultDir }));
  const versions = [...new Set(plan.files.map((f) => f.version))];
  const gathered = await gatherReleasePlan(p, { version: versions.length === 1 ? versions[0] : undefined });
  const key = await chooseSigningKey(deps, 'release.key', { allowExpired: true });
  const extend = await offerExtension(deps, key);
  const to = gathered.flags.to as string[];
  const dryRun = gathered.flags['dry-run'] === true;
  const show = (f: string) => {
    const rel = path.relative(cwd, f);
    return rel && !rel.startsWith('..') ? rel : f;
  };
  for (const line of releaseSummary(plan, to, {
    fingerprint: key.fingerprint,
    tag: gathered.flags.tag as string | undefined,
    dryRun,
    audit: gathered.flags.audit !== false,
    show,
  }))
    p.say(line);
  const go = await p.confirm({
    id: 'release.confirm',
    message: dryRun ? 'Run this dry run now?' : 'Publish these files?',
    default: dryRun,
  });
  if (!go) return undefined;
  const unlock = await unlockFor(deps, key);
  const release = withUnlock(
    {
      leaf: 'release',
      plan: {
        ...gathered,
        positionals: files.map((value) => ({ name: 'files', value })),
        flags: { ...gathered.flags, key: key.fingerprint, yes: dryRun ? undefined : true },
      },
    },
    unlock,
  );
  const first = withKeychainStep(release, key, unlock);
  return extend ? withUnlock(extendThen(key, first), unlock) : first;
}
