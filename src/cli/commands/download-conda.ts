import path from 'node:path';
import { downloadConda } from '../../core/download/conda.js';
import type { FetchOptions } from '../../core/download/open-url.js';
import { ExitCode, UsageError } from '../../core/errors.js';
import type { Context } from '../context.js';
import { verifierOptions, type VerifySettings } from '../verify-settings.js';
import { renderReport } from './verify-render.js';

/** conda's name for this machine's platform subdir. */
export function hostSubdir(platform = process.platform, arch = process.arch): string | undefined {
  const os =
    platform === 'darwin' ? 'osx' : platform === 'win32' ? 'win' : platform === 'linux' ? 'linux' : undefined;
  const bits =
    arch === 'x64'
      ? '64'
      : arch === 'arm64'
        ? os === 'linux'
          ? 'aarch64'
          : 'arm64'
        : arch === 'ppc64'
          ? 'ppc64le'
          : undefined;
  return os && bits ? `${os}-${bits}` : undefined;
}

/** `distseal download conda:NAME[==VERSION] --channel C` (called from the download command). */
export async function runCondaDownload(
  specs: string[],
  dest: string,
  argv: Record<string, any>,
  settings: VerifySettings,
  fetch: FetchOptions,
  ctx: Context,
): Promise<number> {
  if (!argv.channel) throw new UsageError('conda:NAME needs --channel URL|DIR.');
  const subdirs =
    (argv.subdir === undefined ? undefined : [argv.subdir].flat().map(String)) ??
    [hostSubdir(), 'noarch'].filter((s): s is string => !!s);
  const report = await downloadConda({
    specs,
    channel: String(argv.channel),
    cwd: ctx.cwd,
    subdirs,
    dest,
    ...verifierOptions(settings),
    logger: ctx.logger,
    fetch,
  });
  const lines: string[] = [];
  for (const p of report.packages) {
    lines.push(
      `${p.spec}: ${p.verified ? 'VERIFIED' : 'FAILED'} ${p.path}${p.landed ? ` -> ${path.relative(ctx.cwd, p.landed) || p.landed}` : ''}`,
    );
    lines.push(`  repodata.json signature: ${p.repodataVerified ? 'good' : 'NOT verified'}`);
    if (p.verified) lines.push(`  sha256 ${p.sha256} and size ${p.size} match the signed record`);
    lines.push(
      p.signature
        ? renderReport(p.signature, (f) => path.basename(f))
            .map((l) => `  ${l}`)
            .join('\n')
        : '  no package .asc in the channel',
    );
    for (const problem of p.problems)
      lines.push(`  problem: ${problem.message}${problem.hint ? `\n  hint: ${problem.hint}` : ''}`);
  }
  lines.push(report.ok ? `Saved in ${dest}.` : `Nothing was saved in ${dest}.`);
  ctx.out.result(lines, report);
  return report.ok ? ExitCode.ok : ExitCode.verification;
}
