import type * as openpgp from 'openpgp';
import type { Argv } from 'yargs';
import { KeyError } from '../../../core/errors.js';
import { Keychain, PASSPHRASE_SERVICE } from '../../../core/secrets/keychain.js';
import { unlockPrivateKey } from '../../../core/secrets/passphrase.js';
import type { LeafCommand } from '../../command.js';
import { keyLabel, passphraseSources, withPassphraseOptions } from '../../unlock.js';
import { keyArg, openStore } from './shared.js';

export const command: LeafCommand = {
  command: 'remember <fpr>',
  describe: "Keep a key's passphrase in the OS keychain (checked first), so signing needs no prompt",
  builder: (y: Argv) =>
    withPassphraseOptions(
      y.positional('fpr', { type: 'string', describe: 'Fingerprint, 16+ hex suffix, e-mail or user ID' }),
    ),
  async run(argv, ctx) {
    const store = await openStore(ctx);
    const own = await store.findOwn(keyArg(argv));
    if (!own.key.isPrivate() || !own.hasSecret)
      throw new KeyError(
        'E_NO_SECRET',
        `Only the public part of key ${own.fingerprint} is here; it has no passphrase.`,
        { subject: own.fingerprint },
      );
    if (!own.info.passphraseProtected) {
      ctx.out.result(`Key ${own.fingerprint} has no passphrase; there is nothing to remember.`, {
        fingerprint: own.fingerprint,
        stored: false,
      });
      return;
    }
    const keychain = new Keychain(ctx.logger);
    // Nowhere to keep it: say so before asking for the passphrase (issue 15 item 7).
    await keychain.requireAvailable();
    // Every source but the keychain itself, and the value must really unlock the key.
    const sources = passphraseSources(ctx, { ...argv, keychain }, own.fingerprint, keyLabel(own.info)).filter(
      (s) => !s.name.includes('keychain'),
    );
    let value: string | undefined;
    await unlockPrivateKey(own.key as openpgp.PrivateKey, {
      fingerprint: own.fingerprint,
      sources: sources.map((s) => ({ ...s, get: async () => (value = (await s.get()) ?? undefined) })),
      logger: ctx.logger,
    });
    await keychain.set(PASSPHRASE_SERVICE, own.fingerprint, value!);
    ctx.out.result(
      `Stored the passphrase of ${own.fingerprint} in the OS keychain (service "${PASSPHRASE_SERVICE}"). \`distseal keys forget ${own.fingerprint}\` removes it.`,
      {
        fingerprint: own.fingerprint,
        stored: true,
        service: PASSPHRASE_SERVICE,
      },
    );
  },
};
