import path from 'node:path';
import type { Argv } from 'yargs';
import { checkDist, reportFails, type CheckReport } from '../../core/distributions/check.js';
import { DistsealError, ExitCode, exitCodeFor, UsageError } from '../../core/errors.js';
import { audit } from '../../core/audit/run.js';
import type { AuditReport } from '../../core/audit/types.js';
import type { LeafCommand } from '../command.js';
import { dropReleaseCompanions } from './sig-args.js';
import { auditFlags, auditOptionsFrom } from './audit.js';
import { renderAudit } from './audit-render.js';

/**
 * `distseal check FILE... [--strict]`: twine check's metadata rules plus a leak scan. Exit 0
 * when clean, 1 when findings fail (errors, or warnings under --strict), 2 when a file cannot
 * be read as a dist. Every file is checked even when an earlier one fails. `--audit` also runs
 * `distseal audit` on the readable dists (its flags apply); its findings exit 4 when nothing else failed.
 */
export const command: LeafCommand = {
  command: 'check <files..>',
  describe: 'Check dist metadata and scan for leaked secrets before upload',
  builder: (y: Argv) =>
    auditFlags(y)
      .option('audit', {
        type: 'boolean',
        default: false,
        describe: 'Also run `distseal audit` (Bandit + advisories) on the dists',
      })
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
    let audited: AuditReport | undefined;
    if (argv.audit && reports.length > 0) {
      const dists = reports.map((r) => ({ file: path.resolve(ctx.cwd, r.file), name: r.file }));
      audited = await audit({ ...(await auditOptionsFrom(argv, ctx)), dists });
      if (!ctx.json) for (const w of audited.warnings) ctx.logger.warn(w);
      lines.push(
        '',
        `Audit: ${audited.ok ? 'PASSED' : 'FAILED'}`,
        ...renderAudit(audited).map((l) => (l ? `  ${l}` : l)),
      );
    }
    ctx.out.result(lines, {
      ok: failed === 0 && unreadable.length === 0 && (audited?.ok ?? true),
      strict,
      results: [
        ...reports,
        ...unreadable.map((u) => ({
          file: u.file,
          status: 'unreadable',
          error: u.error instanceof DistsealError ? u.error.toJSON() : { message: u.error.message },
        })),
      ],
      ...(audited ? { audit: audited } : {}),
    });
    if (unreadable.length > 0) return ExitCode.usage;
    if (failed > 0) return ExitCode.operational;
    return audited && !audited.ok ? ExitCode.findings : ExitCode.ok;
  },
};
