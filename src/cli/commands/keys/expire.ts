import type * as openpgp from 'openpgp';
import type { Argv } from 'yargs';
import { KeyError } from '../../../core/errors.js';
import { expireKey } from '../../../core/keys/expire.js';
import { keyInfo } from '../../../core/keys/info.js';
import { unlockPrivateKey } from '../../../core/secrets/passphrase.js';
import type { LeafCommand } from '../../command.js';
import { keyLabel, passphraseSources, withPassphraseOptions } from '../../unlock.js';
import { keyArg, openStore, renderKey } from './shared.js';

/**
 * `distseal keys expire FPR 2y|never|YYYY-MM-DD`: re-sign the key's self-signatures and subkey
 * bindings with a new expiry (an expired key comes back to life), keeping its passphrase.
 */
export const command: LeafCommand = {
  command: 'expire <fpr> <expires>',
  describe: "Change a key's expiry (e.g. 2y, never, 2030-01-31); expired keys can be extended too",
  builder: (y: Argv) =>
    withPassphraseOptions(
      y
        .positional('fpr', { type: 'string', describe: 'Fingerprint, 16+ hex suffix, e-mail or user ID' })
        .positional('expires', {
          type: 'string',
          describe: 'never, Nd, Nw, Nm (months), Ny, or a date YYYY-MM-DD; counted from now',
        })
        .example(
          '$0 keys expire 0123...CDEF 2y',
          'the key (and its subkeys) now expire two years from today',
        ),
    ),
  async run(argv, ctx) {
    const store = await openStore(ctx);
    const own = await store.findOwn(keyArg(argv));
    if (!own.key.isPrivate() || !own.hasSecret || own.info.primarySecret === false) {
      throw new KeyError(
        'E_NO_PRIMARY_SECRET',
        `The primary secret key of ${own.fingerprint} is not here; only it can change the expiry.`,
        {
          subject: own.fingerprint,
          hint: 'Run this where the full secret key is, then `distseal keys export FPR` and import the public key here.',
        },
      );
    }
    const { privateKey } = await unlockPrivateKey(own.key as openpgp.PrivateKey, {
      fingerprint: own.fingerprint,
      sources: passphraseSources(ctx, argv, own.fingerprint, keyLabel(own.info)),
      logger: ctx.logger,
    });
    const result = await expireKey({
      stored: own.key as openpgp.PrivateKey,
      decrypted: privateKey,
      expires: String(argv.expires),
    });
    await store.transaction(async (tx) => {
      await tx.saveOwn(result.key);
    });
    const info = await keyInfo(result.key, { isDefault: own.info.isDefault });
    ctx.out.result(
      [
        `Key ${own.fingerprint} now ${result.expires ? `expires on ${result.expires.slice(0, 10)}` : 'never expires'} (${result.userIDs} self-signature${result.userIDs === 1 ? '' : 's'} and ${result.subkeys} subkey binding${result.subkeys === 1 ? '' : 's'} re-signed).`,
        ...renderKey(info),
        `Publish the updated public key so others see the new date: distseal keys export ${own.fingerprint} -o public.asc`,
      ],
      {
        fingerprint: own.fingerprint,
        expires: result.expires,
        previousExpires: own.info.expires,
        resigned: { userIDs: result.userIDs, subkeys: result.subkeys },
        key: info,
      },
    );
  },
};
