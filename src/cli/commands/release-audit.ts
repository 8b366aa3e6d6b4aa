import path from 'node:path';
import type { AuditStep } from '../../core/release/index.js';
import type { Context } from '../context.js';

/**
 * The audit, when this build has it (src/core/audit, issue 11). Loaded by a computed path so
 * the release builds without it; the lead wires the exact options on merge.
 */
export async function loadAudit(ctx: Context, failOn: string): Promise<AuditStep | undefined> {
  const where = ['../../core/audit/index.js', './audit.js'];
  const core = (await import(where[0]!).catch(() => undefined)) as
    { audit?: (o: any) => Promise<any> } | undefined;
  const cli = (await import(where[1]!).catch(() => undefined)) as
    { auditOptionsFrom?: (a: any, c: Context) => Promise<any> } | undefined;
  if (!core?.audit || !cli?.auditOptionsFrom) {
    ctx.logger.warn('This build of distseal has no audit; the release goes on without it.');
    return undefined;
  }
  return async (files) => {
    const options = await cli.auditOptionsFrom!({ 'fail-on': failOn }, ctx);
    const report = await core.audit!({
      ...options,
      dists: files.map((f) => ({ file: f, name: path.basename(f) })),
      requirements: [],
      sitePackages: [],
    });
    const findings = Array.isArray(report.findings) ? report.findings : [];
    return {
      blocking: report.ok ? 0 : Math.max(1, findings.length),
      lines: findings.slice(0, 20).map((f: any) => String(f.message ?? f.id ?? f)),
      report,
    };
  };
}
