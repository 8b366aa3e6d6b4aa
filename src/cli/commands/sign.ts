import path from 'node:path';
import type { Argv } from 'yargs';
import { UsageError } from '../../core/errors.js';
import { signFiles, writeManifest } from '../../core/sign/index.js';
import type { LeafCommand } from '../command.js';
import { unlockOwnKey, withPassphraseOptions } from '../unlock.js';
import { dropSignaturesOfListed } from './sig-args.js';
import { displayPath } from '../display-path.js';

/**
 * `distseal sign FILE... [--key FPR] [--output-dir D] [--manifest SHA256SUMS] [--force]`
 * One unlock, files hashed concurrently, FILE.asc written atomically. With --manifest, the
 * files are listed in a coreutils SHA256SUMS and only that manifest is signed.
 */
export const command: LeafCommand = {
  command: 'sign <files..>',
  describe: 'Write detached ASCII-armored signatures (FILE.asc) for dist files',
  builder: (y: Argv) =>
    withPassphraseOptions(
      y
        .positional('files', {
          type: 'string',
          array: true,
          describe: 'Files to sign (wheels, sdists, .conda, .tar.bz2, anything)',
        })
        .option('key', {
          alias: 'k',
          type: 'string',
          describe: 'Your key to sign with (fingerprint, key ID or user ID); default: the default key',
        })
        .option('output-dir', {
          alias: 'o',
          type: 'string',
          describe: 'Write the .asc files here instead of beside each file',
        })
        .option('manifest', {
          type: 'string',
          describe:
            'Write a SHA256SUMS of the files at this path (names relative to it) and sign only that, into MANIFEST.asc',
        })
        .option('force', {
          type: 'boolean',
          default: false,
          describe: 'Replace an existing .asc (or manifest) that is not a valid signature by this key',
        })
        .option('concurrency', { type: 'number', describe: 'Files hashed at once (default: up to 4)' })
        .example('$0 sign dist/*', 'sign every file in dist/ with the default key')
        .example(
          '$0 sign dist/* --manifest dist/SHA256SUMS',
          'one signed checksum list for the whole release',
        ),
    ),
  run: async (argv, ctx) => {
    const { files, dropped } = dropSignaturesOfListed(
      (argv.files as string[]).map((f) => path.resolve(ctx.cwd, f)),
    );
    for (const d of dropped) ctx.logger.debug(`skipping ${d}: it is the signature of a file also named`);
    if (files.length === 0) throw new UsageError('Name at least one file to sign.');
    if (argv.manifest && argv.outputDir)
      throw new UsageError(
        '--manifest and --output-dir do not combine: the manifest signature goes beside the manifest.',
      );
    const { privateKey } = await unlockOwnKey(ctx, {
      key: argv.key,
      passphraseFile: argv.passphraseFile,
      passphraseFd: argv.passphraseFd,
    });
    const show = (f: string) => displayPath(ctx.cwd, f);

    if (argv.manifest) {
      const result = await writeManifest({
        manifest: path.resolve(ctx.cwd, argv.manifest),
        files,
        signingKey: privateKey,
        force: argv.force,
        concurrency: argv.concurrency,
        logger: ctx.logger,
      });
      const s = result.signature;
      ctx.out.result(
        [
          `${result.status === 'written' ? 'wrote' : 'unchanged'} ${show(result.manifest)} (${result.entries.length} file${result.entries.length === 1 ? '' : 's'})`,
          `${s.status === 'signed' ? 'signed' : 'already signed'} ${show(result.manifest)} -> ${show(s.signatureFile)}`,
          `  key ${s.primaryFingerprint}${s.signingKeyFingerprint !== s.primaryFingerprint ? `, subkey ${s.signingKeyFingerprint}` : ''}, ${s.hashAlgorithm}, ${s.created}`,
        ],
        {
          ok: true,
          manifest: result.manifest,
          status: result.status,
          results: result.entries.map(({ name, sha256, file }) => ({ name, sha256, file })),
          signature: s,
        },
      );
      return 0;
    }

    const results = await signFiles({
      files,
      signingKey: privateKey,
      outputDir: argv.outputDir ? path.resolve(ctx.cwd, argv.outputDir) : undefined,
      force: argv.force,
      concurrency: argv.concurrency,
      logger: ctx.logger,
    });
    const lines = results.map(
      (r) =>
        `${r.status === 'signed' ? 'signed        ' : 'already signed'} ${show(r.file)} -> ${show(r.signatureFile)}`,
    );
    const first = results[0]!;
    lines.push(
      `  key ${first.primaryFingerprint}${first.signingKeyFingerprint !== first.primaryFingerprint ? `, subkey ${first.signingKeyFingerprint}` : ''}, ${first.hashAlgorithm}`,
    );
    ctx.out.result(lines, { ok: true, results });
    return 0;
  },
};
