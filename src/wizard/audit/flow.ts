import path from 'node:path';
import type { Action } from '../action.js';
import type { WizardDeps } from '../deps.js';
import type { Plan } from '../command-line.js';
import { absolute, existing, words } from '../paths.js';

type What = 'dists' | 'requirements' | 'environment';
const LEVELS = ['low', 'medium', 'high', 'critical', 'none'] as const;

/**
 * The Audit entry: what to audit (dists, a requirements file, an installed environment) and the
 * level that fails the run. The plan is `distseal audit ...` with the same flags a script passes.
 */
export async function auditFlow(deps: WizardDeps): Promise<Action> {
  const p = deps.prompter;
  const cwd = deps.ctx.cwd;
  const what = await p.select<What>({
    id: 'audit-what',
    message: 'What should be audited?',
    choices: [
      { value: 'dists', name: 'Dist files: Bandit on their code, advisories for their Requires-Dist' },
      { value: 'requirements', name: 'A pinned requirements file' },
      { value: 'environment', name: 'An installed environment (a site-packages directory)' },
    ],
  });
  const plan: Plan = { command: ['audit'], positionals: [], flags: {} };
  if (what === 'dists') {
    const files = await p.input({
      id: 'audit-files',
      message: 'Dist files (separated by spaces):',
      validate: existing(cwd, 'file', true),
    });
    plan.positionals = absolute(cwd, words(files)).map((value) => ({ name: 'files', value }));
  } else if (what === 'requirements') {
    const file = await p.input({
      id: 'audit-requirements',
      message: 'Requirements file:',
      validate: existing(cwd, 'file'),
    });
    plan.flags.requirement = [path.resolve(cwd, file.trim())];
  } else {
    const dir = await p.input({
      id: 'audit-path',
      message: 'site-packages directory:',
      validate: existing(cwd, 'directory'),
    });
    plan.flags.path = [path.resolve(cwd, dir.trim())];
  }
  plan.flags['fail-on'] = await p.select<(typeof LEVELS)[number]>({
    id: 'audit-fail-on',
    message: 'Fail (exit 4) on findings at or above:',
    choices: LEVELS.map((value) => ({ value, name: value })),
    default: 'medium',
  });
  return { leaf: 'audit', plan };
}
