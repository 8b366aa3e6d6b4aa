import type { GroupCommand } from '../../command.js';
import { command as add } from './add.js';
import { command as list } from './list.js';
import { command as refresh } from './refresh.js';
import { command as remove } from './remove.js';

/** `distseal trust ...`: the trusted keyring (third parties' public keys) and per-project pins. */
export const command: GroupCommand = {
  command: 'trust',
  describe: "Manage the trusted keyring (other people's public keys) and per-project pins",
  subcommands: [add, list, remove, refresh],
};
