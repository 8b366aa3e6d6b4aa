import type { Argv } from 'yargs';
import { KeyError } from '../../../core/errors.js';
import type { LeafCommand } from '../../command.js';
import { keyArg, openStore } from './shared.js';

export const command: LeafCommand = {
  command: 'default <fpr>',
  describe: 'Make a key the default signing key (used by `sign` when --key is not given)',
  builder: (y: Argv) =>
    y.positional('fpr', { type: 'string', describe: 'Fingerprint, 16+ hex suffix, e-mail or user ID' }),
  async run(argv, ctx) {
    const store = await openStore(ctx);
    const own = await store.findOwn(keyArg(argv));
    if (!own.hasSecret) {
      throw new KeyError('E_NO_SECRET', `Key ${own.fingerprint} has no secret here, so it cannot sign.`, {
        subject: own.fingerprint,
        hint: 'Import its secret key first.',
      });
    }
    if (own.info.revoked)
      ctx.logger.warn(`Key ${own.fingerprint} is revoked; verifiers will reject what it signs.`);
    if (own.info.expired)
      ctx.logger.warn(
        `Key ${own.fingerprint} has expired; extend it (gpg --quick-set-expire) or choose another key.`,
      );
    await store.transaction((tx) => tx.setDefault(own.fingerprint));
    ctx.out.result(
      `Default signing key: ${own.fingerprint}${own.info.userIDs[0] ? ` (${own.info.userIDs[0]})` : ''}.`,
      { fingerprint: own.fingerprint, isDefault: true },
    );
  },
};
