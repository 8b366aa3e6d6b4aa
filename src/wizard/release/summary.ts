import { distsFor, parseTarget, type ReleasePlan } from '../../core/release/index.js';
import { formatBytes } from '../../cli/output.js';

/**
 * What the Release flow shows before asking to go on: every file (size, sha256), the key, and
 * what goes to each target, as `distseal release` itself summarises it.
 */
export function releaseSummary(
  plan: ReleasePlan,
  to: string[],
  options: {
    fingerprint: string;
    tag?: string;
    dryRun: boolean;
    audit: boolean;
    show: (f: string) => string;
  },
): string[] {
  const lines = [options.dryRun ? 'Dry run (nothing is sent):' : 'Release:'];
  for (const g of plan.groups)
    lines.push(`  ${g.name} ${g.version} (${g.files.length} file${g.files.length === 1 ? '' : 's'})`);
  for (const f of plan.files)
    lines.push(`    ${options.show(f.file)}  ${formatBytes(f.size)}  sha256 ${f.sha256}`);
  lines.push(
    `  signed by ${options.fingerprint}${options.audit ? ', after check and audit' : ', after check'}`,
  );
  for (const spec of to) {
    const target = parseTarget(spec);
    const dists = distsFor(target, plan);
    const what = dists.length
      ? dists.map((d) => options.show(d.file)).join(', ')
      : 'nothing (no file of its kind)';
    lines.push(
      `  -> ${spec}${target.kind === 'github' && options.tag ? ` (tag ${options.tag})` : ''}: ${what}`,
    );
  }
  return lines;
}
