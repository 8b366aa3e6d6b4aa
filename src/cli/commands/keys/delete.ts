import type { Argv } from 'yargs';
import { InterruptedError, UsageError } from '../../../core/errors.js';
import { Keychain, PASSPHRASE_SERVICE } from '../../../core/secrets/keychain.js';
import type { LeafCommand } from '../../command.js';
import { confirmOnTerminal, keyArg, openStore } from './shared.js';

export const command: LeafCommand = {
  command: 'delete <fpr>',
  describe: 'Delete one of your keys from the home (asks first; --yes when not interactive)',
  builder: (y: Argv) =>
    y
      .positional('fpr', { type: 'string', describe: 'Fingerprint, 16+ hex suffix, e-mail or user ID' })
      .option('yes', { alias: 'y', type: 'boolean', describe: 'Do not ask for confirmation' }),
  async run(argv, ctx) {
    const store = await openStore(ctx);
    const own = await store.findOwn(keyArg(argv));
    const what = own.hasSecret ? 'the SECRET key' : 'the public key';
    if (!argv.yes) {
      if (!ctx.interactive) {
        throw new UsageError(`Deleting ${what} ${own.fingerprint} needs confirmation.`, {
          subject: own.fingerprint,
          hint: 'Add --yes to delete without asking.',
        });
      }
      const ok = await confirmOnTerminal(
        ctx,
        `Delete ${what} ${own.fingerprint} (${own.info.userIDs[0] ?? 'no user ID'})? ${own.hasSecret ? 'Without a backup it is gone for good.' : ''}`.trim(),
      );
      if (!ok) throw new InterruptedError('Not deleted.');
    }
    const wasDefault = own.info.isDefault;
    await store.transaction(async (tx) => {
      await tx.deleteOwn(own.fingerprint);
      if (wasDefault) await tx.setDefault(undefined);
    });
    // Drop a remembered passphrase too, but only when one is there (no keychain noise otherwise).
    const keychain = new Keychain(ctx.logger);
    let forgot = false;
    if (own.hasSecret && (await keychain.has(PASSPHRASE_SERVICE, own.fingerprint)))
      forgot = await keychain.delete(PASSPHRASE_SERVICE, own.fingerprint).catch(() => false);
    const revocation = store.revocationPath(own.fingerprint);
    ctx.out.result(
      [
        `Deleted ${what} ${own.fingerprint}.`,
        forgot ? 'Its passphrase was removed from the OS keychain.' : '',
        wasDefault ? 'It was the default signing key; set another with `distseal keys default FPR`.' : '',
        `Its revocation certificate (if one was made here) stays at ${revocation}, in case the key must still be revoked.`,
      ].filter(Boolean),
      { fingerprint: own.fingerprint, deleted: true, wasDefault, keychainEntryRemoved: forgot },
    );
  },
};
