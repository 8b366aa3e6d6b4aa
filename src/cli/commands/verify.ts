import { UsageError } from '../../core/errors.js';
import type { LeafCommand } from '../command.js';

// PLACEHOLDER: replaced by the helper that builds this command.
export const command: LeafCommand = { command: 'verify', describe: 'not built yet', run: async () => { throw new UsageError('not built yet'); } };
