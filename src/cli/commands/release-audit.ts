import path from 'node:path';
import type { FailOn } from '../../core/audit/index.js';
import type { AuditStep } from '../../core/release/index.js';
import type { Context } from '../context.js';

/**
 * The release's audit step: `distseal audit` (src/core/audit) over the release's files with the
 * audit command's own defaults and the release's --fail-on. Loaded only when the audit runs.
 */
export function releaseAudit(ctx: Context, failOn: string): AuditStep {
  return async (files) => {
    const [{ audit }, { auditOptionsFrom }, { renderAudit }] = await Promise.all([
      import('../../core/audit/index.js'),
      import('./audit.js'),
      import('./audit-render.js'),
    ]);
    const options = await auditOptionsFrom({ 'fail-on': failOn as FailOn }, ctx);
    const report = await audit({
      ...options,
      dists: files.map((f) => ({ file: f, name: path.relative(ctx.cwd, f) || path.basename(f) })),
      requirements: [],
      sitePackages: [],
    });
    for (const w of report.warnings) ctx.logger.warn(w);
    return {
      blocking: report.ok ? 0 : Math.max(1, report.failing),
      lines: report.ok ? [] : renderAudit(report),
      report,
    };
  };
}
