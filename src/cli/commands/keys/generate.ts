import type { Argv } from 'yargs';
import { DEFAULT_EXPIRES } from '../../../core/keys/expiry.js';
import { DEFAULT_ALGO, generateOwnKey, KEY_ALGOS, type KeyAlgo } from '../../../core/keys/generate.js';
import { keyInfo } from '../../../core/keys/info.js';
import type { LeafCommand } from '../../command.js';
import { resolveNewPassphrase } from '../../passphrase-input.js';
import { buildUserID, checkEmail, checkName } from '../../../core/keys/user-id.js';
import { parseExpiry } from '../../../core/keys/expiry.js';
import { withPassphraseOptions } from '../../unlock.js';
import { openStore, promptText, renderKey } from './shared.js';

/** Where a NEW key's passphrase may come from in the environment (the wizard uses the first). */
export const NEW_PASSPHRASE_ENV = 'DISTSEAL_NEW_PASSPHRASE';

export const command: LeafCommand = {
  command: 'generate',
  describe:
    'Create a new key pair (v4 Ed25519 with a separate signing subkey) and its revocation certificate',
  builder: (y: Argv) =>
    withPassphraseOptions(
      y
        .option('name', { type: 'string', describe: 'Your name, for the user ID' })
        .option('email', { type: 'string', describe: 'Your e-mail address, for the user ID' })
        .option('algo', {
          type: 'string',
          choices: [...KEY_ALGOS],
          default: DEFAULT_ALGO,
          describe: 'Key algorithm',
        })
        .option('expires', {
          type: 'string',
          default: DEFAULT_EXPIRES,
          describe: 'never, Nd, Nw, Nm, Ny or YYYY-MM-DD',
        })
        .option('passphrase', {
          type: 'boolean',
          describe:
            'Protect the key with a passphrase (--no-passphrase: leave it unprotected, not recommended)',
        }),
    ).example(
      '$0 keys generate --name "Jane Doe" --email jane@example.org --passphrase-file pass.txt',
      'non-interactive',
    ),
  async run(argv, ctx) {
    let { name, email } = argv as { name?: string; email?: string };
    if (name === undefined && email === undefined && ctx.interactive) {
      name = await promptText(ctx, 'Your name:', checkName);
      email = await promptText(ctx, 'Your e-mail address:', checkEmail);
    }
    // Validate everything cheap before asking for a passphrase.
    buildUserID(name, email);
    parseExpiry(String(argv.expires ?? DEFAULT_EXPIRES));
    const passphrase = await resolveNewPassphrase(ctx, {
      file: argv.passphraseFile,
      fd: argv.passphraseFd,
      flag: 'passphrase',
      none: argv.passphrase === false,
      value: argv.passphraseValue,
      what: 'the new key',
      envNames: [NEW_PASSPHRASE_ENV, 'DISTSEAL_PASSPHRASE'],
    });
    const store = await openStore(ctx);
    ctx.logger.info('Generating the key...');
    const generated = await generateOwnKey({
      name,
      email,
      algo: (argv.algo ?? DEFAULT_ALGO) as KeyAlgo,
      expires: String(argv.expires ?? DEFAULT_EXPIRES),
      passphrase,
    });
    const { file, revocation, isDefault } = await store.transaction(async (tx) => {
      const revocation = await tx.saveRevocation(generated.fingerprint, generated.revocationCertificate);
      const file = await tx.saveOwn(generated.privateKey);
      const isDefault = (await store.defaultFingerprint()) === undefined;
      if (isDefault) await tx.setDefault(generated.fingerprint);
      return { file, revocation, isDefault };
    });
    const info = await keyInfo(generated.privateKey, { isDefault });
    ctx.out.result(
      [
        `Created key ${generated.fingerprint}.`,
        ...renderKey(info),
        '',
        `Key file: ${file}`,
        `Revocation certificate: ${revocation}`,
        '  Keep a copy offline. If the key is lost or stolen, publish it (or run `distseal keys revoke`)',
        '  so that verifiers stop trusting the key. Anyone holding it can revoke your key, so guard it.',
        isDefault
          ? 'This is now your default signing key.'
          : `Make it the default with: distseal keys default ${generated.fingerprint}`,
        `Share the public key with: distseal keys export ${generated.fingerprint} -o public.asc`,
      ],
      { fingerprint: generated.fingerprint, file, revocationCertificate: revocation, isDefault, key: info },
    );
  },
};
