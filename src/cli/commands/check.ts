import path from 'node:path';
import type { Argv } from 'yargs';
import { checkDist, reportFails, type CheckReport } from '../../core/distributions/check.js';
import { DistsealError, ExitCode, exitCodeFor, UsageError } from '../../core/errors.js';
import type { LeafCommand } from '../command.js';
import { dropReleaseCompanions } from './sig-args.js';

/**
 * `distseal check FILE... [--strict]`: twine check's metadata rules plus a leak scan. Exit 0
 * when clean, 1 when findings fail (errors, or warnings under --strict), 2 when a file cannot
 * be read as a dist. Every file is checked even when an earlier one fails.
 */
export const command: LeafCommand = {
  command: 'check <files..>',
  describe: 'Check dist metadata and scan for leaked secrets before upload',
  builder: (y: Argv) =>
    y
      .positional('files', {
        type: 'string',
        array: true,
        describe: 'Wheels, sdists, .conda or .tar.bz2 files',
      })
      .option('strict', {
        type: 'boolean',
        default: false,
        describe: 'Fail on warnings too (like twine check --strict)',
      })
      .example('$0 check dist/*', 'check every dist before uploading'),
  run: async (argv, ctx) => {
    const { files, dropped } = dropReleaseCompanions((argv.files as string[]) ?? []);
    for (const d of dropped) ctx.logger.debug(`skipping ${d}: a signature or checksum manifest, not a dist`);
    if (files.length === 0)
      throw new UsageError('Name at least one dist to check (signatures and SHA256SUMS are skipped).');
    const strict = Boolean(argv.strict);
    const reports: Array<CheckReport & { status: 'passed' | 'failed' }> = [];
    const unreadable: Array<{ file: string; error: DistsealError | Error }> = [];
    const lines: string[] = [];
    for (const given of files) {
      const file = path.resolve(ctx.cwd, given);
      try {
        const report = await checkDist(file, { strict, logger: ctx.logger });
        const failed = reportFails(report, strict);
        reports.push({ ...report, file, status: failed ? 'failed' : 'passed' });
        if (ctx.quiet) {
          const first = report.findings.find((f) => f.severity === 'error' || strict);
          lines.push(failed ? `FAIL ${given}: [${first?.rule}] ${first?.message}` : `OK ${given}`);
          continue;
        }
        lines.push(
          `Checking ${given}: ${failed ? 'FAILED' : 'PASSED'}${!failed && report.findings.length ? ' with warnings' : ''}`,
        );
        for (const f of report.findings) {
          const level = f.severity === 'error' || strict ? 'ERROR  ' : 'warning';
          lines.push(`  ${level} [${f.rule}]${f.member ? ` ${f.member}:` : ''} ${f.message}`);
        }
      } catch (error) {
        if (!(error instanceof DistsealError) || exitCodeFor(error) !== ExitCode.usage) throw error;
        unreadable.push({ file, error });
        if (ctx.quiet) {
          lines.push(`FAIL ${given}: ${error.message}`);
          continue;
        }
        lines.push(`Checking ${given}: UNREADABLE`);
        lines.push(`  ${error.message}`);
        if (error.hint) lines.push(`  hint: ${error.hint}`);
      }
    }
    const notRendered = reports.find((r) => r.description?.render === 'not-checked');
    if (notRendered && !ctx.quiet)
      lines.push(`note: the descriptions were not render-checked: ${notRendered.description!.reason}.`);
    const failed = reports.filter((r) => r.status === 'failed').length;
    ctx.out.result(lines, {
      ok: failed === 0 && unreadable.length === 0,
      strict,
      results: [
        ...reports,
        ...unreadable.map((u) => ({
          file: u.file,
          status: 'unreadable',
          error: u.error instanceof DistsealError ? u.error.toJSON() : { message: u.error.message },
        })),
      ],
    });
    if (unreadable.length > 0) return ExitCode.usage;
    return failed > 0 ? ExitCode.operational : ExitCode.ok;
  },
};
