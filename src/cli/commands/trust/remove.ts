import type { Argv } from 'yargs';
import { removeTrusted } from '../../../core/trust/remove.js';
import type { LeafCommand } from '../../command.js';
import { openStore } from '../keys/shared.js';

export const command: LeafCommand = {
  command: 'remove <fpr>',
  describe: 'Remove a key from the trusted keyring (and from every project pin)',
  builder: (y: Argv) =>
    y.positional('fpr', { type: 'string', describe: 'Fingerprint, 16+ hex suffix, e-mail or user ID' }),
  async run(argv, ctx) {
    const store = await openStore(ctx);
    const result = await removeTrusted(store, String(argv.fpr ?? ''));
    ctx.out.result(
      [
        `Removed ${result.fingerprint}${result.userId ? ` (${result.userId})` : ''} from the trusted keyring.`,
        result.unpinned.length ? `Unpinned from: ${result.unpinned.join(', ')}.` : '',
        result.emptied.length
          ? `warning: no key is pinned to ${result.emptied.join(', ')} any more, so nothing verifies for ${result.emptied.length > 1 ? 'them' : 'it'} until you pin one: distseal trust add KEYFILE --for PROJECT.`
          : '',
      ].filter(Boolean),
      {
        fingerprint: result.fingerprint,
        removed: true,
        unpinned: result.unpinned,
        emptiedProjects: result.emptied,
      },
    );
  },
};
