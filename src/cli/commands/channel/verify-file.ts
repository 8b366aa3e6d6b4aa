import path from 'node:path';
import { verifyAgainstChannel, type ChannelFileReport } from '../../../core/channel/verify-file.js';
import { DistsealError, ExitCode } from '../../../core/errors.js';
import type { Context } from '../../context.js';
import type { VerifySettings } from '../../verify-settings.js';
import { renderReport } from '../verify-render.js';

/**
 * `distseal verify --channel CHANNEL FILE...` (called from the verify command): each file against
 * the channel's signed repodata (sha256, size) and its own signature. Exit 0 all verified, 3 any
 * failed, 2 when a file could not be read.
 */
export async function runVerifyChannel(
  files: string[],
  channel: string,
  settings: VerifySettings,
  ctx: Context,
): Promise<number> {
  const where = /^https?:\/\//i.test(channel) ? channel : path.resolve(ctx.cwd, channel);
  const show = (f: string) => path.relative(ctx.cwd, f) || f;
  const reports: ChannelFileReport[] = [];
  const errors: Array<ReturnType<DistsealError['toJSON']>> = [];
  const lines: string[] = [];
  for (const file of files) {
    try {
      const r = await verifyAgainstChannel(file, {
        channel: where,
        keys: settings.keys,
        policy: settings.policy,
        signers: settings.signers,
        threshold: settings.threshold,
        cwd: ctx.cwd,
        logger: ctx.logger,
      });
      reports.push(r);
      lines.push(`${show(file)}: ${r.verified ? 'VERIFIED' : 'FAILED'} against ${r.channel} (${r.path})`);
      lines.push(`  repodata.json signature: ${r.repodata?.verified ? 'good' : 'NOT verified'}`);
      if (r.signature) lines.push(...renderReport(r.signature, show).map((l) => `  ${l}`));
      for (const p of r.problems) lines.push(`  problem: ${p.message}${p.hint ? `\n  hint: ${p.hint}` : ''}`);
    } catch (error) {
      if (!(error instanceof DistsealError) || error.kind !== 'input') throw error;
      errors.push(error.toJSON());
      lines.push(`${show(file)}: ERROR - ${error.message}${error.hint ? `\n  hint: ${error.hint}` : ''}`);
    }
  }
  const ok = errors.length === 0 && reports.length > 0 && reports.every((r) => r.verified);
  ctx.out.result(lines, { ok, channel: where, results: reports, errors });
  if (errors.length > 0) return ExitCode.usage;
  return ok ? ExitCode.ok : ExitCode.verification;
}
