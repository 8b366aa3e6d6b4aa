import type * as openpgp from 'openpgp';
import type { Argv } from 'yargs';
import { KeyError } from '../../../core/errors.js';
import { PASSPHRASE_SERVICE, Keychain } from '../../../core/secrets/keychain.js';
import { protectKey, unlockPrivateKey } from '../../../core/secrets/passphrase.js';
import type { LeafCommand } from '../../command.js';
import { resolveNewPassphrase } from '../../passphrase-input.js';
import { keyLabel, passphraseSources, withPassphraseOptions } from '../../unlock.js';
import { NEW_PASSPHRASE_ENV } from './generate.js';
import { keyArg, openStore } from './shared.js';

export const command: LeafCommand = {
  command: 'passwd <fpr>',
  describe:
    "Change a key's passphrase (or remove it with --no-passphrase); the old one as for sign, the new one from --new-passphrase-file, DISTSEAL_NEW_PASSPHRASE or a prompt",
  builder: (y: Argv) =>
    withPassphraseOptions(
      y
        .positional('fpr', { type: 'string', describe: 'Fingerprint, 16+ hex suffix, e-mail or user ID' })
        .option('new-passphrase-file', {
          type: 'string',
          describe: 'Read the NEW passphrase from the first line of FILE (or set DISTSEAL_NEW_PASSPHRASE)',
        })
        .option('new-passphrase-fd', {
          type: 'number',
          describe: 'Read the NEW passphrase from file descriptor N',
        })
        .option('passphrase', {
          type: 'boolean',
          describe: '--no-passphrase: remove the protection (not recommended)',
        }),
    ),
  async run(argv, ctx) {
    const store = await openStore(ctx);
    const own = await store.findOwn(keyArg(argv));
    if (!own.key.isPrivate() || !own.hasSecret) {
      throw new KeyError(
        'E_NO_SECRET',
        `Only the public part of key ${own.fingerprint} is here; there is no passphrase to change.`,
        { subject: own.fingerprint },
      );
    }
    const keychain = new Keychain(ctx.logger);
    const { privateKey } = await unlockPrivateKey(own.key, {
      fingerprint: own.fingerprint,
      sources: passphraseSources(ctx, { ...argv, keychain }, own.fingerprint, keyLabel(own.info)),
      logger: ctx.logger,
    });
    const next = await resolveNewPassphrase(ctx, {
      file: argv.newPassphraseFile,
      fd: argv.newPassphraseFd,
      flag: 'new-passphrase',
      none: argv.passphrase === false,
      value: argv.newPassphraseValue,
      what: `key ${own.fingerprint}`,
      envNames: [NEW_PASSPHRASE_ENV],
    });
    const reprotected: openpgp.PrivateKey = await protectKey(privateKey, next);
    const inKeychain = await keychain.has(PASSPHRASE_SERVICE, own.fingerprint);
    await store.transaction(async (tx) => {
      await tx.saveOwn(reprotected);
    });
    let keychainNote = '';
    if (inKeychain) {
      try {
        if (next === '') await keychain.delete(PASSPHRASE_SERVICE, own.fingerprint);
        else await keychain.set(PASSPHRASE_SERVICE, own.fingerprint, next);
        keychainNote =
          next === ''
            ? ' The old passphrase was removed from the OS keychain.'
            : ' The OS keychain entry was updated.';
      } catch (error) {
        ctx.logger.warn(
          `The OS keychain still holds the OLD passphrase and could not be updated (${(error as Error).message}); run \`distseal keys forget ${own.fingerprint}\`.`,
        );
      }
    }
    ctx.out.result(
      `${next === '' ? 'Removed the passphrase of' : 'Changed the passphrase of'} key ${own.fingerprint}.${keychainNote}`,
      {
        fingerprint: own.fingerprint,
        protected: next !== '',
        keychainUpdated: inKeychain && keychainNote !== '',
      },
    );
  },
};
