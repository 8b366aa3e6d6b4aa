import type { OwnKey } from '../../core/keys/store.js';
import { InputError, KeyError } from '../../core/errors.js';
import { preflight, type ReleasePlan } from '../../core/release/index.js';
import type { Context } from '../context.js';
import { confirmOnTerminal } from './keys/shared.js';
import { releaseAudit } from './release-audit.js';
import { renderPreflight } from './release-render.js';

/**
 * Steps 2 of `distseal release`: refuse an expired key, check and audit every file, warn about
 * a key that expires soon. Resolves true to go on, false when audit findings stop the release
 * (already reported; exit 4); throws when a check fails.
 */
export async function releasePreflight(
  ctx: Context,
  argv: Record<string, any>,
  plan: ReleasePlan,
  own: Pick<OwnKey, 'fingerprint' | 'info'>,
  show: (f: string) => string,
): Promise<boolean> {
  if (own.info.expired)
    throw new KeyError(
      'E_KEY_EXPIRED',
      `The signing key ${own.fingerprint} expired on ${own.info.expires?.slice(0, 10)}.`,
      {
        subject: own.fingerprint,
        hint: `Extend it with \`distseal keys expire ${own.fingerprint} 2y\`, then run the release again.`,
      },
    );
  const useAudit = argv.audit !== false && argv.failOn !== 'none';
  const pre = await preflight({
    files: plan.files.map((f) => f.file),
    strict: argv.strict,
    audit: useAudit ? releaseAudit(ctx, argv.failOn) : undefined,
    keyExpires: own.info.expires,
    logger: ctx.logger,
  });
  const preLines = renderPreflight(pre, show);
  if (preLines.length) ctx.out.err(['Pre-flight:', ...preLines].join('\n'));
  if (pre.keyExpiresInDays !== undefined)
    ctx.logger.warn(
      `The signing key ${own.fingerprint} expires in ${pre.keyExpiresInDays} day(s); extend it with \`distseal keys expire ${own.fingerprint} 2y\`.`,
    );
  if (pre.failed.length)
    throw new InputError(
      'E_CHECK_FAILED',
      `The check failed for ${pre.failed.map(show).join(', ')}; nothing was signed or sent.`,
      {
        hint: `Run \`distseal check ${pre.failed.map(show).join(' ')}\` for the details, fix them and build again.`,
      },
    );
  if (!pre.audit || pre.audit.blocking === 0) return true;
  const go =
    ctx.interactive &&
    !argv.yes &&
    (await confirmOnTerminal(
      ctx,
      `The audit found ${pre.audit.blocking} finding(s) at or above ${argv.failOn}. Release anyway?`,
    ));
  if (go) return true;
  ctx.out.err(
    `distseal: the audit found ${pre.audit.blocking} finding(s) at or above ${argv.failOn}; nothing was signed or sent.`,
  );
  ctx.out.err('  hint: Fix them, or pass --fail-on with a higher level (or --no-audit) if you accept them.');
  return false;
}
