import path from 'node:path';
import { ExitCode, UsageError } from '../../core/errors.js';
import { isValidProjectSpec } from '../../core/names.js';
import { DEFAULT_SIGN_CONCURRENCY } from '../../core/io/limit.js';
import { verifyFile, verifyManifest } from '../../core/verify/index.js';
import { KeyChecks } from '../../core/verify/key-checks.js';
import type { ManifestVerifyReport } from '../../core/verify/manifest.js';
import type { LeafCommand } from '../command.js';
import { loadVerifySettings, verifierOptions, verifyBuilder } from '../verify-settings.js';
import { dropSignaturesOfListed } from './sig-args.js';
import { quietManifest, quietReport, renderManifest, renderReport } from './verify-render.js';
import { displayPath } from '../display-path.js';
import { verifyEach } from '../verify-loop.js';
import { indexInputsBefore, updateVerifyIndex } from '../verify-fast-index.js';
import { remoteAndTreeOptions, runVerifyTree, runVerifyUrls, verifyMode } from './verify-remote.js';

/**
 * `distseal verify FILE... | --manifest SHA256SUMS [FILE...]`. Exit 0 when everything verified,
 * 3 when any verification failed, 2 when an input could not be read (it still verifies the rest).
 */
export const command: LeafCommand = {
  command: 'verify [files..]',
  describe: 'Verify files against their .asc signatures and the trusted keyring (fail-closed)',
  builder: (y) => remoteAndTreeOptions(verifyBuilder(y)),
  run: async (argv, ctx) => {
    // URLs and directories have their own modes (src/cli/commands/verify-remote.ts).
    const args = ((argv.files as string[] | undefined) ?? []).map(String);
    const mode = await verifyMode(args, ctx.cwd);
    if (mode === 'url') return runVerifyUrls(args, argv, ctx);
    if (mode === 'tree') return runVerifyTree(args, argv, ctx);
    const { files, dropped } = dropSignaturesOfListed(
      ((argv.files as string[] | undefined) ?? []).map((f) => path.resolve(ctx.cwd, f)),
    );
    for (const d of dropped) ctx.logger.debug(`skipping ${d}: it is the signature of a file also named`);
    const show = (f: string) => displayPath(ctx.cwd, f);
    if (argv.signature && (files.length !== 1 || argv.manifest))
      throw new UsageError(
        '--signature names the signature of a single FILE (or use FILE.asc beside each file).',
      );
    if (!argv.manifest && files.length === 0)
      throw new UsageError('Name the files to verify, or --manifest SHA256SUMS.');
    const indexBefore = indexInputsBefore(argv, ctx);
    const settings = await loadVerifySettings(argv, ctx);
    await updateVerifyIndex(indexBefore, settings, ctx);
    if (argv.project !== undefined && !isValidProjectSpec(String(argv.project)))
      throw new UsageError(`--project ${argv.project} is not a project name.`, {
        hint: 'Give the name as on the index: letters, digits and ._- (conda:NAME or pypi:NAME for one ecosystem).',
      });
    if (argv.project && (argv.manifest || argv.channel))
      throw new UsageError(
        '--project names the project of the FILEs verified directly (not --manifest or --channel).',
      );
    const common = { ...verifierOptions(settings), logger: ctx.logger };
    if (argv.channel) {
      if (argv.manifest || argv.signature)
        throw new UsageError('--channel does not combine with --manifest or --signature.');
      const { runVerifyChannel } = await import('./channel/verify-file.js');
      const { channelLimits } = await import('./channel/limit-options.js');
      return runVerifyChannel(files, argv.channel, settings, ctx, channelLimits(argv));
    }

    if (argv.manifest) {
      const report: ManifestVerifyReport = await verifyManifest({
        ...common,
        manifest: path.resolve(ctx.cwd, argv.manifest),
        files: files.length > 0 ? files : undefined,
      });
      ctx.out.result(ctx.quiet ? quietManifest(report, show) : renderManifest(report, show), {
        ok: report.verified,
        manifest: report.manifest,
        results: report.entries,
      });
      return report.verified ? ExitCode.ok : ExitCode.verification;
    }

    const keyChecks = new KeyChecks();
    return verifyEach(files, ctx, {
      concurrency: DEFAULT_SIGN_CONCURRENCY,
      check: (file) =>
        verifyFile({
          ...common,
          file,
          keyChecks,
          project: argv.project as string | undefined,
          signatureFile: argv.signature ? path.resolve(ctx.cwd, argv.signature) : undefined,
        }),
      render: (report) => (ctx.quiet ? [quietReport(report, show)] : renderReport(report, show)),
    });
  },
};
