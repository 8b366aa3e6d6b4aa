import path from 'node:path';
import { trustInputsDigest } from '../core/verify/fast/inputs.js';
import { refreshVerifyIndex } from '../core/verify/fast/write-index.js';
import type { Context } from './context.js';
import type { VerifySettings } from './verify-settings.js';
import { distsealVersion } from './version.js';

/**
 * The trust inputs' digest before `verify` loads the home's keyring, when this run may bring the
 * verification index up to date: the home's keyring and pins only (no --keyring, no --policy).
 */
export function indexInputsBefore(argv: Record<string, unknown>, ctx: Context): string | undefined {
  if (argv.keyring !== undefined || argv.policy !== undefined || ctx.env.DISTSEAL_NO_FAST === '1')
    return undefined;
  try {
    return trustInputsDigest(path.resolve(ctx.home));
  } catch {
    return undefined;
  }
}

/** Write the index from the keys just loaded, when the inputs still read as `before`. */
export async function updateVerifyIndex(
  before: string | undefined,
  settings: VerifySettings,
  ctx: Context,
): Promise<void> {
  if (before === undefined) return;
  const wrote = await refreshVerifyIndex({
    home: ctx.home,
    before,
    keys: settings.keys,
    ownFingerprints: settings.ownFingerprints,
    pins: Object.keys(settings.policy.projects).length > 0,
    distseal: distsealVersion(),
  });
  if (wrote) ctx.logger.debug(`wrote the verification index in ${ctx.home}`);
}
