import path from 'node:path';
import type { Argv } from 'yargs';
import { verifyChannel, type ChannelVerifyReport } from '../../../core/channel/verify.js';
import { ExitCode } from '../../../core/errors.js';
import type { LeafCommand } from '../../command.js';
import { channelVerifierOptions, loadVerifySettings } from '../../verify-settings.js';
import { renderSignature } from '../verify-render.js';
import { channelLimits, withChannelLimitOptions } from './limit-options.js';

export function renderChannelReport(report: ChannelVerifyReport): string[] {
  const lines: string[] = [];
  for (const e of report.entries) {
    lines.push(
      `${e.path}: ${e.ok ? 'OK' : 'FAILED'}${e.ok && e.kind === 'package' ? ' (size and sha256 match repodata.json; signature good)' : e.ok ? ' (signature good)' : ''}`,
    );
    for (const s of e.ok
      ? (e.signature?.signatures ?? []).filter((x) => x.verdict === 'good').slice(0, 1)
      : (e.signature?.signatures ?? []))
      lines.push(...renderSignature(s));
    for (const p of e.problems) lines.push(`  problem: ${p.message}${p.hint ? `\n  hint: ${p.hint}` : ''}`);
  }
  const failed = report.entries.filter((e) => !e.ok).length;
  lines.push(
    report.verified
      ? `${report.channel}: VERIFIED (${report.entries.length} checks in ${report.subdirs.join(', ')})`
      : `${report.channel}: FAILED (${failed} of ${report.entries.length} checks failed)`,
  );
  return lines;
}

/** `distseal channel verify CHANNEL_DIR|URL`. Exit 0 all good, 3 anything failed. */
export const command: LeafCommand = {
  command: 'verify <channel>',
  describe:
    'Verify every repodata.json signature, every record against its file, and every package signature',
  builder: (y: Argv) =>
    withChannelLimitOptions(y)
      .positional('channel', { type: 'string', describe: 'A channel directory or http(s) URL' })
      .option('keyring', {
        type: 'string',
        array: true,
        describe: 'Trusted keys (file or directory, repeatable); default: the trusted keyring in the home',
      })
      .option('signer', {
        type: 'string',
        array: true,
        describe: 'Accept only these primary fingerprints (repeatable)',
      })
      .option('policy', {
        type: 'string',
        describe: 'Trust policy JSON (added to the pins from `trust add --for`)',
      })
      .option('threshold', { type: 'number', default: 1, describe: 'Good signatures required per file' })
      .example('$0 channel verify ./channel --keyring maintainer.asc', 'a local channel against one key')
      .example(
        '$0 channel verify https://example.org/conda',
        'a published channel against the trusted keyring',
      ),
  run: async (argv, ctx) => {
    const settings = await loadVerifySettings(argv, ctx);
    const channel = /^https?:\/\//i.test(argv.channel) ? argv.channel : path.resolve(ctx.cwd, argv.channel);
    const report = await verifyChannel({
      channel,
      ...channelVerifierOptions(settings, ctx),
      ...channelLimits(argv),
    });
    const { entries, ...rest } = report;
    ctx.out.result(renderChannelReport(report), { ok: report.verified, ...rest, results: entries });
    return report.verified ? ExitCode.ok : ExitCode.verification;
  },
};
