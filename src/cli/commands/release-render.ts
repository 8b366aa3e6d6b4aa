/** Text for `distseal release`: the plan table, the preflight, the confirmation summary, the receipt. */
import path from 'node:path';
import type { PreflightReport, Receipt, ReleasePlan, ReleaseTarget } from '../../core/release/index.js';
import { distsFor } from '../../core/release/index.js';
import { formatBytes } from '../output.js';

export function renderPlan(plan: ReleasePlan, show: (f: string) => string): string[] {
  const lines = ['Release:'];
  for (const g of plan.groups)
    lines.push(`  ${g.name} ${g.version} (${g.files.length} file${g.files.length === 1 ? '' : 's'})`);
  return lines.concat(
    plan.files.map((f) => `    ${show(f.file)}  ${formatBytes(f.size)}  sha256 ${f.sha256}`),
  );
}

export function renderPreflight(report: PreflightReport, show: (f: string) => string): string[] {
  const lines: string[] = [];
  for (const c of report.checks)
    for (const f of c.findings)
      lines.push(`  ${f.severity}: ${show(c.file)}${f.member ? ` (${f.member})` : ''}: ${f.message}`);
  if (report.audit) {
    lines.push(`  audit: ${report.audit.blocking} finding(s) at or above the threshold`);
    for (const l of report.audit.lines) lines.push(`    ${l}`);
  }
  return lines;
}

export function renderSummary(
  plan: ReleasePlan,
  targets: ReleaseTarget[],
  fingerprint: string,
  show: (f: string) => string,
): string[] {
  const lines = [`Signing key ${fingerprint}`];
  for (const t of targets) {
    const dists = distsFor(t, plan);
    lines.push(
      `  -> ${t.spec}${t.kind === 'github' ? ` (tag ${t.tag})` : ''}: ${dists.length ? dists.map((d) => show(d.file)).join(', ') : 'nothing (no file of its kind)'}`,
    );
    if (t.kind === 'github' || t.kind === 'dir')
      lines.push('     with every .asc, SHA256SUMS and SHA256SUMS.asc');
    if (t.kind === 'pypi' && t.repository.isPyPI)
      lines.push('     (PyPI discards signatures: add a github: or dir: target to publish them)');
  }
  return lines;
}

export function renderReceipt(receipt: Receipt): string[] {
  const lines = [
    receipt.dryRun ? 'Dry run: nothing was sent.' : receipt.ok ? 'Released.' : 'The release is not complete.',
  ];
  lines.push(`Key ${receipt.key.fingerprint}`);
  for (const t of receipt.targets) {
    lines.push(
      `${t.ok ? 'ok  ' : 'FAIL'} ${t.target}${t.url ? ` (${t.url})` : ''}${t.credential ? ` [credential: ${t.credential}]` : ''}`,
    );
    for (const f of t.files) lines.push(`       ${f.status.padEnd(13)} ${f.name}`);
    if (t.signatures) lines.push(`       signatures: ${t.signatures}`);
    if (t.verified && !t.verified.checked && t.verified.note)
      lines.push(`       not verified: ${t.verified.note}`);
    else if (t.verified?.ok) lines.push('       verified: what it serves matches (sha256, size, signatures)');
    for (const p of t.verified?.problems ?? []) lines.push(`       DIFFERS ${p}`);
    if (t.error) lines.push(`       error: ${t.error.message}`);
  }
  for (const f of receipt.files) lines.push(`  ${f.name}  ${f.size} bytes  sha256 ${f.sha256}`);
  lines.push(`Same release without questions: ${receipt.commandLine}`);
  return lines;
}

export function showPath(cwd: string): (f: string) => string {
  return (f) => {
    const rel = path.relative(cwd, f);
    return rel && !rel.startsWith('..') ? rel : f;
  };
}
