import type { Argv } from 'yargs';
import { removePins } from '../../../core/trust/pins.js';
import type { LeafCommand } from '../../command.js';
import { openStore } from '../keys/shared.js';

export const command: LeafCommand = {
  command: 'remove <fpr>',
  describe: 'Remove a key from the trusted keyring (and from every project pin)',
  builder: (y: Argv) =>
    y.positional('fpr', { type: 'string', describe: 'Fingerprint, 16+ hex suffix, e-mail or user ID' }),
  async run(argv, ctx) {
    const store = await openStore(ctx);
    const key = await store.findTrusted(String(argv.fpr ?? ''));
    const result = await store.transaction(async (tx) => {
      const pins = removePins(await store.trustPolicy(), key.fingerprint);
      await tx.deleteTrusted(key.fingerprint);
      if (pins.unpinned.length > 0) await tx.savePolicy(pins.policy);
      return pins;
    });
    ctx.out.result(
      [
        `Removed ${key.fingerprint}${key.key.getUserIDs()[0] ? ` (${key.key.getUserIDs()[0]})` : ''} from the trusted keyring.`,
        result.unpinned.length ? `Unpinned from: ${result.unpinned.join(', ')}.` : '',
        result.emptied.length
          ? `warning: no key is pinned to ${result.emptied.join(', ')} any more, so nothing verifies for ${result.emptied.length > 1 ? 'them' : 'it'} until you pin one: distseal trust add KEYFILE --for PROJECT.`
          : '',
      ].filter(Boolean),
      {
        fingerprint: key.fingerprint,
        removed: true,
        unpinned: result.unpinned,
        emptiedProjects: result.emptied,
      },
    );
  },
};
