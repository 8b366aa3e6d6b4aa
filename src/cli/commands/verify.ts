import path from 'node:path';
import { DistsealError, ExitCode, UsageError } from '../../core/errors.js';
import { DEFAULT_SIGN_CONCURRENCY, mapLimit } from '../../core/io/limit.js';
import { verifyFile, verifyManifest, type VerifyReport } from '../../core/verify/index.js';
import type { ManifestVerifyReport } from '../../core/verify/manifest.js';
import type { LeafCommand } from '../command.js';
import { loadVerifySettings, verifyBuilder } from '../verify-settings.js';
import { dropSignaturesOfListed } from './sig-args.js';
import { quietManifest, quietReport, renderManifest, renderReport } from './verify-render.js';

/**
 * `distseal verify FILE... | --manifest SHA256SUMS [FILE...]`. Exit 0 when everything verified,
 * 3 when any verification failed, 2 when an input could not be read (it still verifies the rest).
 */
export const command: LeafCommand = {
  command: 'verify [files..]',
  describe: 'Verify files against their .asc signatures and the trusted keyring (fail-closed)',
  builder: verifyBuilder,
  run: async (argv, ctx) => {
    const { files, dropped } = dropSignaturesOfListed(
      ((argv.files as string[] | undefined) ?? []).map((f) => path.resolve(ctx.cwd, f)),
    );
    for (const d of dropped) ctx.logger.debug(`skipping ${d}: it is the signature of a file also named`);
    const show = (f: string) => {
      const rel = path.relative(ctx.cwd, f);
      return rel && !rel.startsWith('..') ? rel : f;
    };
    if (argv.signature && (files.length !== 1 || argv.manifest))
      throw new UsageError(
        '--signature names the signature of a single FILE (or use FILE.asc beside each file).',
      );
    if (!argv.manifest && files.length === 0)
      throw new UsageError('Name the files to verify, or --manifest SHA256SUMS.');
    const settings = await loadVerifySettings(argv, ctx);
    const common = {
      keys: settings.keys,
      policy: settings.policy,
      signers: settings.signers,
      threshold: settings.threshold,
      logger: ctx.logger,
    };
    if (argv.channel) {
      if (argv.manifest || argv.signature)
        throw new UsageError('--channel does not combine with --manifest or --signature.');
      const { runVerifyChannel } = await import('./channel/verify-file.js');
      return runVerifyChannel(files, argv.channel, settings, ctx);
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

    const reports: VerifyReport[] = [];
    const errors: Array<ReturnType<DistsealError['toJSON']>> = [];
    const lines: string[] = [];
    // Files are hashed concurrently (reads overlap); results are reported in the order given.
    const outcomes = await mapLimit(files, DEFAULT_SIGN_CONCURRENCY, async (file) => {
      try {
        return {
          file,
          report: await verifyFile({
            ...common,
            file,
            signatureFile: argv.signature ? path.resolve(ctx.cwd, argv.signature) : undefined,
          }),
        };
      } catch (error) {
        if (!(error instanceof DistsealError) || error.kind !== 'input') throw error;
        return { file, error };
      }
    });
    for (const o of outcomes) {
      if (o.report) {
        reports.push(o.report);
        if (ctx.quiet) lines.push(quietReport(o.report, show));
        else lines.push(...renderReport(o.report, show));
      } else {
        errors.push(o.error.toJSON());
        lines.push(
          ctx.quiet
            ? `FAIL ${show(o.file)}: ${o.error.message}`
            : `${show(o.file)}: ERROR - ${o.error.message}${o.error.hint ? `\n  hint: ${o.error.hint}` : ''}`,
        );
      }
    }
    const ok = errors.length === 0 && reports.every((r) => r.verified);
    ctx.out.result(lines, { ok, results: reports, errors });
    if (errors.length > 0) return ExitCode.usage;
    return ok ? ExitCode.ok : ExitCode.verification;
  },
};
