import type { Argv } from 'yargs';
import { errnoCode, UsageError } from '../../../core/errors.js';
import { exportKey } from '../../../core/keys/export.js';
import { wrapFsError, writeFileAtomic } from '../../../core/io/atomic.js';
import type { LeafCommand } from '../../command.js';
import { confirmOnTerminal, keyArg, openStore } from './shared.js';
import { InterruptedError } from '../../../core/errors.js';

export const command: LeafCommand = {
  command: 'export <fpr>',
  describe: 'Export a key: public (default), --secret, or --subkeys-only (the signing subkey for CI)',
  builder: (y: Argv) =>
    y
      .positional('fpr', { type: 'string', describe: 'Fingerprint, 16+ hex suffix, e-mail or user ID' })
      .option('secret', {
        type: 'boolean',
        describe: 'Export the secret key (still protected by its passphrase)',
      })
      .option('subkeys-only', {
        type: 'boolean',
        describe: 'Export only the secret signing subkey (primary secret left out), for CI',
      })
      .option('binary', { type: 'boolean', describe: 'Binary packets instead of ASCII armor' })
      .option('output', {
        alias: 'o',
        type: 'string',
        describe: 'Write to FILE (0600 for secrets) instead of stdout',
      })
      .option('force', { type: 'boolean', describe: 'Replace FILE if it exists' }),
  async run(argv, ctx) {
    const store = await openStore(ctx);
    const own = await store.findOwn(keyArg(argv));
    const secret = Boolean(argv.secret || argv.subkeysOnly);
    const output = argv.output as string | undefined;
    if (argv.binary && !output) throw new UsageError('Binary output goes to a file: add -o FILE.');
    if (secret && !output && ctx.stdout.isTTY) {
      throw new UsageError('A secret key is not printed on a terminal.', {
        hint: 'Write it to a file with -o FILE (created 0600), or pipe the output.',
      });
    }
    if (secret && ctx.interactive) {
      const what = argv.subkeysOnly ? 'the secret signing subkey' : 'the SECRET key';
      const ok = await confirmOnTerminal(
        ctx,
        `Export ${what} of ${own.fingerprint}${output ? ` to ${output}` : ''}? Anyone with it and its passphrase can sign as you.`,
      );
      if (!ok) throw new InterruptedError('Export cancelled; nothing was written.');
    }
    const data = await exportKey(own.key, {
      secret: Boolean(argv.secret),
      subkeysOnly: Boolean(argv.subkeysOnly),
      binary: Boolean(argv.binary),
    });
    const kind = argv.subkeysOnly ? 'secret signing subkey' : secret ? 'secret key' : 'public key';
    if (!output) {
      if (ctx.json) {
        // JSON output never carries secret material: secrets go to a file.
        if (secret)
          throw new UsageError('--json does not print secret keys.', {
            hint: 'Write the secret to a file with -o FILE.',
          });
        ctx.out.result('', { fingerprint: own.fingerprint, kind, armored: data });
        return;
      }
      ctx.stdout.write(data);
      return;
    }
    try {
      await writeFileAtomic(output, data, { mode: secret ? 0o600 : 0o644, exclusive: !argv.force });
    } catch (error) {
      if ((error as { code?: string }).code === 'E_EXISTS')
        throw new UsageError(`${output} already exists.`, {
          subject: output,
          hint: 'Choose another file, or add --force to replace it.',
        });
      throw errnoCode(error) ? wrapFsError(error, output, 'write') : error;
    }
    ctx.out.result(`Wrote the ${kind} of ${own.fingerprint} to ${output}${secret ? ' (mode 0600)' : ''}.`, {
      fingerprint: own.fingerprint,
      kind,
      file: output,
    });
  },
};
