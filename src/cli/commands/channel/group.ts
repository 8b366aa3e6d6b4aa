import type { GroupCommand } from '../../command.js';
import { command as add } from './add.js';
import { command as verify } from './verify.js';

/** `distseal channel add | verify`: a signed conda file channel. */
export const command: GroupCommand = {
  command: 'channel',
  describe: 'Maintain and verify a signed conda file channel',
  subcommands: [add, verify],
};
