/**
 * `distseal audit` as text: the data's origin and age, then the dependency half, the dist's own
 * specifiers, the code half and what was not audited, ending in one verdict line.
 */
import type { AuditReport } from '../../core/audit/types.js';

function table(rows: string[][], indent = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map(
    (row) =>
      indent +
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
  );
}

/** Long advisory texts are cut in the table (--format json has the whole summary). */
function short(text: string, max = 160): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The report as lines of text for stdout. */
export function renderAudit(report: AuditReport): string[] {
  const lines: string[] = [];
  const db = report.database;
  if (db) {
    const commit = db.commit ? `, commit ${db.commit.slice(0, 12)}` : '';
    const age = db.age_days !== undefined ? `, ${db.age_days} days old` : '';
    lines.push(`Advisory data: ${db.credit}, ${db.date}${commit}${age} (${db.source})`);
  }
  const mark = (ignored?: string) => (ignored ? ` [ignored: ${ignored}]` : '');

  if (report.dependencies.length > 0) {
    const affected = report.dependencies.filter((d) => d.vulns.length > 0);
    lines.push(
      '',
      `Dependencies: ${report.dependencies.length} pinned, ${affected.length} with known advisories`,
    );
    const rows: string[][] = [['Name', 'Version', 'ID', 'Fix versions', 'Severity', 'Where']];
    for (const d of affected) {
      for (const v of d.vulns)
        rows.push([
          d.name,
          d.version,
          v.id,
          v.fix_versions.join(', ') || '-',
          v.severity,
          `${d.source}${mark(v.ignored)}`,
        ]);
    }
    if (rows.length > 1) lines.push(...table(rows));
    const described = new Set<string>();
    for (const d of affected) {
      for (const v of d.vulns.filter((x) => !described.has(x.id) && described.add(x.id)))
        lines.push(
          `  ${v.id}${v.aliases.length ? ` (${v.aliases.join(', ')})` : ''}: ${short(v.description)}`,
        );
    }
  }
  if (report.specifiers.length > 0) {
    lines.push('', 'Requires-Dist of the dists themselves:');
    for (const s of report.specifiers) {
      lines.push(
        `  ${s.level === 'error' ? 'ERROR  ' : 'warning'} ${s.dist}: ${s.requirement}${mark(s.ignored)}`,
      );
      lines.push(`          ${s.message}${s.marker ? ` (only where ${s.marker})` : ''}`);
    }
  }
  if (report.code.length > 0 || report.code_errors.length > 0) {
    const counts = ['high', 'medium', 'low']
      .map((sev) => `${report.code.filter((c) => c.severity === sev).length} ${sev}`)
      .join(', ');
    lines.push('', `Code (Bandit): ${report.code.length} findings (${counts})`);
    const rows: string[][] = [];
    for (const c of report.code) {
      rows.push([
        `${c.severity.toUpperCase()}/${c.confidence.toUpperCase()}`,
        `${c.test_id} ${c.test_name}`,
        `${c.dist}: ${c.location}${c.cwe ? ` CWE-${c.cwe}` : ''}${mark(c.ignored)}`,
      ]);
    }
    lines.push(...table(rows));
    for (const e of report.code_errors)
      lines.push(`  Bandit could not scan ${e.dist}: ${e.member}: ${e.reason}`);
  }
  if (report.not_audited.length > 0) {
    lines.push('', `Not audited: ${report.not_audited.length}`);
    lines.push(...table(report.not_audited.map((n) => [n.subject, n.source, n.reason])));
  }
  const counted =
    report.dependencies.reduce((n, d) => n + d.vulns.length, 0) +
    report.specifiers.length +
    report.code.length;
  if (report.fail_on === 'none')
    lines.push('', `${counted} findings; none fails the audit (--fail-on none).`);
  else
    lines.push(
      '',
      `${report.ok ? 'No' : report.failing} findings at or above ${report.fail_on} ` +
        `(${counted} in all, ignored ones included).`,
    );
  return lines;
}
