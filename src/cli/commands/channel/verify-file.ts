import path from 'node:path';
import { verifyAgainstChannel, type ChannelFileReport } from '../../../core/channel/verify-file.js';
import type { Context } from '../../context.js';
import { channelVerifierOptions, type VerifySettings } from '../../verify-settings.js';
import { renderReport } from '../verify-render.js';
import { displayPath } from '../../display-path.js';
import { verifyEach } from '../../verify-loop.js';

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
  limits: { maxRepodataBytes?: number } = {},
): Promise<number> {
  const where = /^https?:\/\//i.test(channel) ? channel : path.resolve(ctx.cwd, channel);
  const show = (f: string) => displayPath(ctx.cwd, f);
  return verifyEach(files, ctx, {
    json: { channel: where },
    check: (file) =>
      verifyAgainstChannel(file, { channel: where, ...channelVerifierOptions(settings, ctx), ...limits }),
    render: (r: ChannelFileReport, file) => [
      `${show(file)}: ${r.verified ? 'VERIFIED' : 'FAILED'} against ${r.channel} (${r.path})`,
      `  repodata.json signature: ${r.repodata?.verified ? 'good' : 'NOT verified'}`,
      ...(r.signature ? renderReport(r.signature, show).map((l) => `  ${l}`) : []),
      ...r.problems.map((p) => `  problem: ${p.message}${p.hint ? `\n  hint: ${p.hint}` : ''}`),
    ],
  });
}
