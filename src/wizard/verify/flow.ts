import path from 'node:path';
import type { Action } from '../action.js';
import type { Plan } from '../command-line.js';
import type { WizardDeps } from '../deps.js';
import { absolute, existing, words } from '../paths.js';

type What = 'files' | 'dir' | 'urls' | 'manifest';

/** A validator: every word is an http(s) URL. */
function urls(value: string): true | string {
  const list = words(value);
  if (list.length === 0) return 'Give at least one URL.';
  const bad = list.find((w) => !/^https?:\/\/\S+$/i.test(w));
  return bad ? `${bad} is not an http(s) URL.` : true;
}

/**
 * The Verify entry: local files, a whole directory, URLs, or a signed SHA256SUMS, against the
 * trusted keyring. The plan is `distseal verify ...` with the same arguments a script passes.
 */
export async function verifyFlow(deps: WizardDeps): Promise<Action> {
  const p = deps.prompter;
  const cwd = deps.ctx.cwd;
  const what = await p.select<What>({
    id: 'verify.what',
    message: 'What should be verified?',
    choices: [
      { value: 'files', name: 'Files (each with its .asc beside it)' },
      { value: 'dir', name: 'A directory: every file in it, recursively' },
      { value: 'urls', name: 'URLs (fetched with their .asc; nothing is kept)' },
      { value: 'manifest', name: 'A signed SHA256SUMS, then every file it lists' },
    ],
  });
  const plan: Plan = { command: ['verify'], positionals: [], flags: {} };
  const positionals = (list: string[]) => list.map((value) => ({ name: 'files', value }));
  if (what === 'files') {
    const answer = await p.input({
      id: 'verify.files',
      message: 'Files (separated by spaces):',
      validate: existing(cwd, 'file', true),
    });
    plan.positionals = positionals(absolute(cwd, words(answer)));
  } else if (what === 'dir') {
    const dir = await p.input({
      id: 'verify.dir',
      message: 'Directory:',
      validate: existing(cwd, 'directory'),
    });
    plan.positionals = positionals([path.resolve(cwd, dir.trim())]);
    const all = await p.confirm({
      id: 'verify.require-all',
      message: 'Should a file without a signature beside it fail?',
      default: true,
    });
    if (all) plan.flags['require-all'] = true;
  } else if (what === 'urls') {
    const answer = await p.input({
      id: 'verify.urls',
      message: 'URLs (separated by spaces):',
      validate: urls,
    });
    plan.positionals = positionals(words(answer));
  } else {
    const file = await p.input({
      id: 'verify.manifest',
      message: 'The SHA256SUMS file (its signature is SHA256SUMS.asc beside it):',
      validate: existing(cwd, 'file'),
    });
    plan.flags.manifest = path.resolve(cwd, file.trim());
  }
  return { leaf: 'verify', plan };
}
