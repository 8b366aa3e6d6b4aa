import path from 'node:path';
import type { Argv } from 'yargs';
import type * as openpgp from 'openpgp';
import { addToChannel } from '../../../core/channel/add.js';
import { UsageError } from '../../../core/errors.js';
import { createDetachedSignature } from '../../../core/sign/index.js';
import type { LeafCommand } from '../../command.js';
import { unlockOwnKey, withPassphraseOptions } from '../../unlock.js';
import { displayPath } from '../../display-path.js';

/**
 * `distseal channel add CHANNEL_DIR FILE...`: place, sign, index, sign the index. The key is
 * unlocked only when something will be written, so adding a file that is already there with its
 * .asc asks for nothing.
 */
export const command: LeafCommand = {
  command: 'add <channel> [files..]',
  describe:
    'Add conda packages to a file channel: place under <subdir>/, sign, update and sign repodata.json',
  builder: (y: Argv) =>
    withPassphraseOptions(
      y
        .positional('channel', { type: 'string', describe: 'The channel directory (created when missing)' })
        .positional('files', {
          type: 'string',
          array: true,
          describe: '.conda / .tar.bz2 packages (FILE.asc beside one is kept, else it is signed)',
        })
        .option('key', {
          alias: 'k',
          type: 'string',
          describe: 'Your key to sign with (default: the default key)',
        })
        .option('force', { type: 'boolean', describe: 'Replace a different file that has the same name' })
        .option('rebuild', {
          type: 'boolean',
          describe: 'Reindex every package already in the touched subdirs (repairs a damaged repodata.json)',
        })
        .option('dry-run', { type: 'boolean', describe: 'Read and check the packages; change nothing' })
        .example('$0 channel add ./channel dist/*.conda', 'then: conda install -c file://$PWD/channel NAME')
        .example(
          '$0 channel add ./channel --rebuild',
          'rebuild and re-sign repodata.json from the packages on disk',
        ),
    ),
  run: async (argv, ctx) => {
    const channel = path.resolve(ctx.cwd, argv.channel as string);
    const files = ((argv.files as string[] | undefined) ?? []).map((f) => path.resolve(ctx.cwd, f));
    if (files.length === 0 && !argv.rebuild)
      throw new UsageError('Name the packages to add (or pass --rebuild to reindex the channel).');
    let key: Promise<openpgp.PrivateKey> | undefined;
    const unlock = () =>
      (key ??= unlockOwnKey(ctx, {
        key: argv.key,
        passphraseFile: argv.passphraseFile,
        passphraseFd: argv.passphraseFd,
      }).then((k) => k.privateKey));
    const sign = async (file: string) =>
      createDetachedSignature(file, await unlock(), { logger: ctx.logger });
    // The key is unlocked before the first write, so a missing or wrong passphrase changes nothing.
    const report = await addToChannel({
      channel,
      files,
      sign,
      prepare: async () => void (await unlock()),
      force: argv.force,
      rebuild: argv.rebuild,
      dryRun: argv.dryRun,
      logger: ctx.logger,
    });
    const show = (f: string) => displayPath(ctx.cwd, f);
    const lines = report.results.map(
      (r) => `${r.status.padEnd(9)} ${show(r.target)} (signature ${r.signature})`,
    );
    for (const file of report.repodata) lines.push(`indexed   ${show(file)} (signed: ${show(file)}.asc)`);
    if (!argv.dryRun)
      lines.push(
        `Use it with: conda install -c file://${channel} NAME (check it with: distseal channel verify ${show(channel)})`,
      );
    ctx.out.result(lines, { ok: true, ...report });
  },
};
