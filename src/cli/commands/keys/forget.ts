import type { Argv } from 'yargs';
import { Keychain, PASSPHRASE_SERVICE } from '../../../core/secrets/keychain.js';
import type { LeafCommand } from '../../command.js';
import { keyArg, openStore } from './shared.js';
import { hexSelector } from '../../../core/keys/selector.js';

export const command: LeafCommand = {
  command: 'forget <fpr>',
  describe: "Remove a key's passphrase from the OS keychain",
  builder: (y: Argv) =>
    y.positional('fpr', {
      type: 'string',
      describe: 'Fingerprint (works for deleted keys too), 16+ hex suffix, e-mail or user ID',
    }),
  async run(argv, ctx) {
    const selector = keyArg(argv);
    // A full fingerprint works even when the key is no longer in the home (deleted elsewhere).
    const hex = hexSelector(selector);
    const fingerprint =
      hex && (hex.length === 40 || hex.length === 64)
        ? hex
        : (await (await openStore(ctx)).findOwn(selector)).fingerprint;
    const removed = await new Keychain(ctx.logger).delete(PASSPHRASE_SERVICE, fingerprint);
    ctx.out.result(
      removed
        ? `Removed the passphrase of ${fingerprint} from the OS keychain.`
        : `The OS keychain held no passphrase for ${fingerprint}.`,
      { fingerprint, removed },
    );
  },
};
