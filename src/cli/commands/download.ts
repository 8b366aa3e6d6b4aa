import path from 'node:path';
import type { Argv } from 'yargs';
import { DEFAULT_INDEX_URL, downloadPython } from '../../core/download/python.js';
import { ExitCode, UsageError } from '../../core/errors.js';
import type { LeafCommand } from '../command.js';
import { loadVerifySettings, verifierOptions } from '../verify-settings.js';
import { fetchOptionsFrom, networkOptions, renderFetched, trustOptions } from './download-options.js';

/**
 * `distseal download NAME==VERSION... | conda:NAME[==VERSION] --channel C`: fetch, verify, and
 * only then land in --dest. Exit 0 all verified, 3 any failed (and nothing was written).
 */
export const command: LeafCommand = {
  command: 'download <specs..>',
  describe: 'Download from an index or conda channel; files land in --dest only when verified',
  builder: (y: Argv) =>
    networkOptions(
      trustOptions(
        y
          .positional('specs', {
            type: 'string',
            describe: 'NAME==VERSION, or conda:NAME[==VERSION] with --channel',
          })
          .option('index-url', {
            alias: 'i',
            type: 'string',
            describe: `The simple index (default ${DEFAULT_INDEX_URL}; also PIP_INDEX_URL)`,
          })
          .option('dest', {
            alias: 'd',
            type: 'string',
            default: '.',
            describe: 'Where verified files land (created if missing)',
          })
          .option('only-wheels', { type: 'boolean', describe: 'Only wheels, no sdists' })
          .option('file', {
            type: 'string',
            describe: 'Only files whose name matches this glob (repeatable)',
          })
          .option('signature-url-template', {
            type: 'string',
            describe: 'Where each signature is, instead of FILE_URL.asc: {url} and {filename} are filled in',
          })
          .option('channel', {
            alias: 'c',
            type: 'string',
            describe: 'The conda channel (URL or DIR) for conda:NAME',
          })
          .option('subdir', {
            type: 'string',
            describe: 'conda subdirs to look in (default: this platform and noarch)',
          }),
      ),
    )
      .example('$0 download requests==2.32.3 --dest wheels/', 'fetch, check hash and signature, then land')
      .example(
        '$0 download conda:numpy==2.1.0 --channel https://example.org/channel',
        'against the signed repodata',
      ),
  async run(argv, ctx) {
    const specs = (argv.specs as string[]).map(String);
    const conda = specs.filter((s) => /^conda:/i.test(s));
    if (conda.length > 0 && conda.length !== specs.length)
      throw new UsageError(
        'Download either Python requirements or conda:NAME packages in one run, not both.',
      );
    const dest = path.resolve(ctx.cwd, String(argv.dest ?? '.'));
    const settings = await loadVerifySettings(argv, ctx);
    const fetch = await fetchOptionsFrom(argv, ctx);
    if (conda.length > 0) {
      const { runCondaDownload } = await import('./download-conda.js');
      return runCondaDownload(conda, dest, argv, settings, fetch, ctx);
    }
    if (argv.channel) throw new UsageError('--channel is for conda:NAME packages.');
    const report = await downloadPython({
      requirements: specs,
      indexUrl: String(argv['index-url'] ?? ctx.env.PIP_INDEX_URL ?? DEFAULT_INDEX_URL),
      dest,
      onlyWheels: Boolean(argv['only-wheels']),
      globs: argv.file === undefined ? undefined : [argv.file].flat().map(String),
      signatureUrlTemplate: argv['signature-url-template'],
      ...verifierOptions(settings),
      logger: ctx.logger,
      fetch,
    });
    const lines = report.files.flatMap((f) =>
      renderFetched(f, f.path ? path.relative(ctx.cwd, f.path) || f.path : undefined),
    );
    lines.push(
      report.ok
        ? `${report.files.length} file(s) verified and saved in ${dest}.`
        : `Nothing was saved in ${dest}: ${report.files.filter((f) => !f.verified).length} of ${report.files.length} file(s) did not verify.`,
    );
    ctx.out.result(lines, report);
    return report.ok ? ExitCode.ok : ExitCode.verification;
  },
};
