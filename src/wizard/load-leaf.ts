import type { LeafCommand } from '../cli/command.js';
import type { WizardLeaf } from './deps.js';

type Module = Promise<{ command: LeafCommand }>;

/**
 * The module of each leaf a flow runs (src/cli/commands/...): the very command the flags run.
 * Literal import() paths, so the bundler keeps each one lazy and resolvable.
 */
const MODULES: Record<WizardLeaf, () => Module> = {
  audit: () => import('../cli/commands/audit.js'),
  release: () => import('../cli/commands/release.js'),
  verify: () => import('../cli/commands/verify.js'),
  'channel-add': () => import('../cli/commands/channel/add.js'),
  'channel-verify': () => import('../cli/commands/channel/verify.js'),
  generate: () => import('../cli/commands/keys/generate.js'),
  import: () => import('../cli/commands/keys/import.js'),
  export: () => import('../cli/commands/keys/export.js'),
  list: () => import('../cli/commands/keys/list.js'),
  revoke: () => import('../cli/commands/keys/revoke.js'),
  passwd: () => import('../cli/commands/keys/passwd.js'),
  delete: () => import('../cli/commands/keys/delete.js'),
  default: () => import('../cli/commands/keys/default.js'),
  remember: () => import('../cli/commands/keys/remember.js'),
  forget: () => import('../cli/commands/keys/forget.js'),
  expire: () => import('../cli/commands/keys/expire.js'),
};

/** Load the leaf command a flow runs (only the one chosen is imported). */
export async function loadLeaf(name: WizardLeaf): Promise<LeafCommand> {
  return (await MODULES[name]()).command;
}
