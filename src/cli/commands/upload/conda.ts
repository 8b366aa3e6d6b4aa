import path from 'node:path';
import type { Argv } from 'yargs';
import { UsageError } from '../../../core/errors.js';
import { isValidLabel } from '../../../core/distributions/conda/filename.js';
import {
  uploadToAnaconda,
  type CondaUploadResult,
  type ExistingMode,
} from '../../../core/upload/conda/anaconda.js';
import { uploadToPrefix } from '../../../core/upload/conda/prefix.js';
import type { LeafCommand } from '../../command.js';
import { resolveCondaToken, resolveServer } from './conda-server.js';
import { displayPath } from '../../display-path.js';

function builder(y: Argv): Argv {
  return y
    .positional('files', {
      type: 'string',
      array: true,
      describe: '.conda / .tar.bz2 packages (FILE.asc beside each is uploaded too)',
    })
    .option('server', {
      type: 'string',
      default: 'anaconda',
      describe: 'anaconda (api.anaconda.org), prefix (prefix.dev), or an API URL',
    })
    .option('server-url', {
      type: 'string',
      describe: 'Another URL for the chosen --server kind (e.g. a self-hosted one)',
    })
    .option('owner', {
      alias: 'u',
      type: 'string',
      describe: "anaconda.org user or organization to upload to (default: the token's user)",
    })
    .option('label', {
      alias: 'l',
      type: 'string',
      array: true,
      describe: 'anaconda.org label (repeatable; default main)',
    })
    .option('channel', {
      alias: 'c',
      type: 'string',
      describe: 'prefix.dev channel (required with --server prefix)',
    })
    .option('skip-existing', { type: 'boolean', describe: 'Leave files that are already there, and go on' })
    .option('force', {
      type: 'boolean',
      describe:
        'Replace files that are already there (anaconda.org: the old file is restored if the new upload fails)',
    })
    .option('private', { type: 'boolean', describe: 'anaconda.org: create new packages as private' })
    .option('token-file', {
      type: 'string',
      describe:
        'Read the token from FILE (else BINSTAR_API_TOKEN / ANACONDA_API_TOKEN / PREFIX_API_KEY, the keychain, a prompt)',
    })
    .option('dry-run', {
      type: 'boolean',
      describe: 'Read, check and hash; ask the server what exists; upload nothing',
    })
    .conflicts('skip-existing', 'force')
    .example('$0 upload conda dist/*.conda --label dev', 'to your anaconda.org channel, label dev')
    .example('$0 upload conda pkg.conda --server prefix --channel my-channel', 'to prefix.dev');
}

/**
 * `distseal upload conda FILE...`: anaconda.org (default) or prefix.dev. Exit 0 when every file
 * is uploaded or skipped, 1 when a server refused or the network failed, 2 for bad input.
 */
export const command: LeafCommand = {
  command: 'conda <files..>',
  describe: 'Upload conda packages (and their .asc) to anaconda.org or prefix.dev',
  builder,
  run: async (argv, ctx) => {
    const files = (argv.files as string[]).map((f) => path.resolve(ctx.cwd, f));
    const server = resolveServer(argv.server, argv.serverUrl);
    const existing: ExistingMode = argv.skipExisting ? 'skip' : argv.force ? 'force' : 'fail';
    const labels = (argv.label as string[] | undefined) ?? [];
    for (const label of labels)
      if (!isValidLabel(label))
        throw new UsageError(
          `--label "${label}" is not a valid label (a letter, then letters, digits, _ - . /; at most 128).`,
        );
    if (server.kind === 'prefix') {
      if (!argv.channel)
        throw new UsageError(
          '--server prefix needs --channel NAME (the prefix.dev channel, created on the website).',
        );
      if (argv.owner || labels.length)
        throw new UsageError('--owner and --label are anaconda.org options; prefix.dev uses --channel.');
    } else if (argv.channel) {
      throw new UsageError(
        '--channel is for prefix.dev. On anaconda.org use --owner for the user or organization and --label for labels.',
      );
    }
    const token = await resolveCondaToken(ctx, server, argv.tokenFile);
    const common = { files, existing, dryRun: Boolean(argv.dryRun), logger: ctx.logger, proxy: ctx.proxy };
    const report =
      server.kind === 'prefix'
        ? await uploadToPrefix({ ...common, serverUrl: server.url, channel: argv.channel, apiKey: token })
        : await uploadToAnaconda({
            ...common,
            apiUrl: server.url,
            token,
            owner: argv.owner,
            labels,
            private: Boolean(argv.private),
          });
    const show = (f: string) => displayPath(ctx.cwd, f);
    const verb: Record<CondaUploadResult['status'], string> = {
      uploaded: 'uploaded',
      replaced: 'replaced',
      skipped: 'skipped (already there)',
      'would-upload': 'would upload',
    };
    const lines = report.results.map(
      (r) => `${verb[r.status]}: ${show(r.file)}${r.url && r.status !== 'skipped' ? ` -> ${r.url}` : ''}`,
    );
    ctx.out.result(lines, {
      ok: true,
      server: server.kind,
      url: server.url,
      dryRun: Boolean(argv.dryRun),
      ...('owner' in report ? { owner: report.owner } : { channel: report.channel }),
      results: report.results,
    });
  },
};
