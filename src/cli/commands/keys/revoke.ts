import type * as openpgp from 'openpgp';
import type { Argv } from 'yargs';
import { errnoCode, InterruptedError, KeyError, UsageError } from '../../../core/errors.js';
import { keyInfo } from '../../../core/keys/info.js';
import {
  applyRevocationCertificate,
  revokeWithSecret,
  type RevocationReason,
} from '../../../core/keys/revoke.js';
import { unlockPrivateKey } from '../../../core/secrets/passphrase.js';
import type { LeafCommand } from '../../command.js';
import { keyLabel, passphraseSources, withPassphraseOptions } from '../../unlock.js';
import { confirmOnTerminal, keyArg, openStore, renderKey } from './shared.js';
import { readInputFile } from './import.js';

export const command: LeafCommand = {
  command: 'revoke <fpr>',
  describe:
    'Revoke one of your keys (with its secret, or the revocation certificate made at generation; asks first, --yes when not interactive)',
  builder: (y: Argv) =>
    withPassphraseOptions(
      y
        .positional('fpr', { type: 'string', describe: 'Fingerprint, 16+ hex suffix, e-mail or user ID' })
        .option('reason', {
          type: 'string',
          choices: ['compromised', 'superseded', 'retired'],
          describe: 'Why (compromised: even old signatures stop verifying)',
        })
        .option('message', { type: 'string', describe: 'A short explanation stored in the revocation' })
        .option('certificate', {
          type: 'string',
          describe: 'Apply this revocation certificate instead of making one (default: the one in the home)',
        })
        .option('yes', { alias: 'y', type: 'boolean', describe: 'Do not ask for confirmation' }),
    ),
  async run(argv, ctx) {
    const store = await openStore(ctx);
    const own = await store.findOwn(keyArg(argv));
    if (own.info.revoked)
      ctx.logger.warn(`Key ${own.fingerprint} is already revoked; adding this revocation too.`);
    // Revocation cannot be undone once published: confirmed like `keys delete` (issue 15 item 11).
    if (!argv.yes) {
      if (!ctx.interactive) {
        throw new UsageError(`Revoking key ${own.fingerprint} needs confirmation.`, {
          subject: own.fingerprint,
          hint: 'Add --yes to revoke without asking.',
        });
      }
      const ok = await confirmOnTerminal(
        ctx,
        `Revoke key ${own.fingerprint} (${own.info.userIDs[0] ?? 'no user ID'})? Once published, this cannot be undone.`,
      );
      if (!ok) throw new InterruptedError('Not revoked.');
    }
    let revoked: openpgp.Key;
    let how: string;
    const canSignRevocation =
      own.key.isPrivate() && own.info.primarySecret !== false && argv.certificate === undefined;
    if (canSignRevocation) {
      const reason = (argv.reason ?? 'unspecified') as RevocationReason;
      const { privateKey } = await unlockPrivateKey(own.key as openpgp.PrivateKey, {
        fingerprint: own.fingerprint,
        sources: passphraseSources(ctx, argv, own.fingerprint, keyLabel(own.info)),
        logger: ctx.logger,
      });
      revoked = await revokeWithSecret(own.key as openpgp.PrivateKey, privateKey, reason, argv.message ?? '');
      how = `reason: ${reason}${argv.message ? `, "${argv.message}"` : ''}`;
    } else {
      const certFile = (argv.certificate as string | undefined) ?? store.revocationPath(own.fingerprint);
      const cert = await readInputFile(ctx, certFile).catch((error: unknown) => {
        if (argv.certificate === undefined && errnoCode((error as { cause?: unknown }).cause) === 'ENOENT') {
          throw new KeyError(
            'E_NO_SECRET',
            `Key ${own.fingerprint} has no primary secret here and no revocation certificate in the home.`,
            {
              subject: own.fingerprint,
              hint: 'Give its revocation certificate with --certificate FILE, or revoke it where the full secret key is.',
            },
          );
        }
        throw error;
      });
      if (argv.reason || argv.message)
        ctx.logger.warn(
          'A stored revocation certificate has its reason fixed; --reason/--message are ignored.',
        );
      revoked = await applyRevocationCertificate(own.key, cert.data.toString('utf8'), cert.source);
      how = `with the revocation certificate ${cert.source}`;
    }
    const wasDefault = own.info.isDefault;
    await store.transaction(async (tx) => {
      await tx.saveOwn(revoked);
      if (wasDefault) await tx.setDefault(undefined);
    });
    const info = await keyInfo(revoked, { isDefault: false });
    ctx.out.result(
      [
        `Revoked key ${own.fingerprint} (${how}).`,
        ...renderKey(info),
        wasDefault ? 'It was your default signing key; set another with `distseal keys default FPR`.' : '',
        `Publish the revocation: distseal keys export ${own.fingerprint} -o revoked-public.asc, and send it to everyone who trusts the key.`,
      ].filter(Boolean),
      {
        fingerprint: own.fingerprint,
        revoked: true,
        reason: canSignRevocation ? (argv.reason ?? 'unspecified') : 'certificate',
        wasDefault,
        key: info,
      },
    );
  },
};
