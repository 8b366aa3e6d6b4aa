import { UsageError } from '../../core/errors.js';
import { EXPIRY_WARNING_DAYS } from '../../core/release/index.js';
import type { Action } from '../action.js';
import type { WizardDeps, WizardKey } from '../deps.js';
import { KEY_ARG } from '../keys/simple.js';

const DAY = 86_400_000;

/** Days until the key expires (negative: expired that long ago); undefined when it never does. */
export function daysLeft(key: WizardKey, now: Date): number | undefined {
  if (!key.expires) return undefined;
  return Math.floor((Date.parse(key.expires) - now.getTime()) / DAY);
}

/**
 * Issue 12, pre-flight: a signing key that has expired, or expires within 30 days, is offered
 * `distseal keys expire FPR 2y` before the release (the same passphrase unlocks both). An expired
 * key that is not extended cannot sign: the flow stops there, saying how to extend it.
 * Resolves true when the user chose to extend it.
 */
export async function offerExtension(deps: WizardDeps, key: WizardKey): Promise<boolean> {
  const days = daysLeft(key, deps.now ?? new Date());
  if (days === undefined || days > EXPIRY_WARNING_DAYS) return false;
  const expired = days < 0;
  const when = expired ? `expired on ${key.expires!.slice(0, 10)}` : `expires in ${days} day(s)`;
  const command = `distseal keys expire ${key.fingerprint} 2y`;
  if (key.primarySecret === false) {
    if (expired)
      throw new UsageError(
        `The signing key ${key.fingerprint} ${when}; only its primary secret can extend it.`,
        {
          hint: `Run \`${command}\` where the full secret key is, then import the public key here.`,
        },
      );
    deps.prompter.say(`The signing key ${when}; extend it where its primary secret is (\`${command}\`).`);
    return false;
  }
  const extend = await deps.prompter.confirm({
    id: 'release.extend',
    message: `The signing key ${when}. Extend it by two years first (\`${command}\`)?`,
    default: true,
  });
  if (!extend && expired)
    throw new UsageError(`The signing key ${key.fingerprint} ${when}: it cannot sign the release.`, {
      hint: `Extend it with \`${command}\`, then release again.`,
    });
  return extend;
}

/** `keys expire FPR 2y`, then `next`. */
export function extendThen(key: WizardKey, next: Action): Action {
  return {
    leaf: 'expire',
    plan: {
      command: ['keys', 'expire'],
      positionals: [
        { name: KEY_ARG, value: key.fingerprint },
        { name: 'expires', value: '2y' },
      ],
      flags: {},
    },
    after: async () => next,
  };
}
