import { UsageError } from '../../../core/errors.js';
import type { GroupCommand } from '../../command.js';

// PLACEHOLDER: replaced by the helper that builds this command.
export const command: GroupCommand = {
  command: 'channel',
  describe: 'not built yet',
  subcommands: [{ command: 'todo', describe: 'not built yet', run: async () => { throw new UsageError('not built yet'); } }],
};
