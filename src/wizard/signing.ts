import { UsageError } from '../core/errors.js';
import type { Action } from './action.js';
import type { WizardDeps, WizardKey } from './deps.js';
import { keychainOffered } from './keychain.js';
import { askCurrentPassphrase } from './keys/passphrase.js';
import { describeKey } from './keys/choose-key.js';
import { rememberAction } from './keys/simple.js';
import { Q } from './questions.js';

/**
 * The key a signing flow (Release, Channel add) signs with, from the user's usable secret keys:
 * asked when there are several (the default key first and preselected), said when there is one.
 */
export async function chooseSigningKey(
  deps: WizardDeps,
  id: string,
  options: { allowExpired?: boolean } = {},
): Promise<WizardKey> {
  const now = (deps.now ?? new Date()).getTime();
  const secret = (await deps.listKeys()).filter((k) => k.hasSecret && !k.revoked);
  // An expired key cannot sign; the command would refuse it after every question. (Release
  // offers to extend it first: options.allowExpired.)
  const keys = options.allowExpired
    ? secret
    : secret.filter((k) => !k.expires || Date.parse(k.expires) > now);
  const expired = secret.find((k) => !keys.includes(k));
  if (keys.length === 0)
    throw new UsageError('You have no usable secret key to sign with.', {
      hint: expired
        ? `${describeKey(expired)} has expired: extend it with \`distseal keys expire ${expired.fingerprint} 2y\`.`
        : 'Create one (Keys > Create a new key) or import one, then come back.',
    });
  if (keys.length === 1) {
    deps.prompter.say(`Signing with ${describeKey(keys[0]!)}.`);
    return keys[0]!;
  }
  const ordered = [...keys].sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
  const fingerprint = await deps.prompter.select({
    id,
    message: 'Sign with which key?',
    choices: ordered.map((k) => ({ value: k.fingerprint, name: describeKey(k) })),
    default: ordered[0]!.fingerprint,
  });
  return keys.find((k) => k.fingerprint === fingerprint)!;
}

/** The unlocking passphrase (checked as typed; none when the key has none or it is in the keychain). */
export interface Unlock {
  passphrase?: string;
  /** The user chose to keep it in the OS keychain (offered only when one answers). */
  remember: boolean;
}

/** Ask the key's passphrase, then offer to keep it in the OS keychain when there is one. */
export async function unlockFor(deps: WizardDeps, key: WizardKey): Promise<Unlock> {
  const passphrase = await askCurrentPassphrase(deps, key.fingerprint, key.passphraseInKeychain === true);
  if (passphrase === undefined || !(await keychainOffered(deps))) return { passphrase, remember: false };
  return { passphrase, remember: await deps.prompter.confirm(Q.rememberAfter()) };
}

/** The secrets and printed stand-ins of a command that unlocks the key with `unlock`. */
export function withUnlock(action: Action, unlock: Unlock): Action {
  if (unlock.passphrase === undefined) return action;
  action.secrets = { ...action.secrets, passphrase: unlock.passphrase };
  action.plan.secretHints = ['--passphrase-file', 'FILE'];
  action.plan.secretNote = 'FILE holds the passphrase (or set DISTSEAL_PASSPHRASE).';
  return action;
}

/**
 * The action to run: the command itself, or first `keys remember FPR` (the keychain step the
 * user chose, printed as its own command) and then the command.
 */
export function withKeychainStep(action: Action, key: WizardKey, unlock: Unlock): Action {
  if (!unlock.remember || unlock.passphrase === undefined) return action;
  return { ...rememberAction(key.fingerprint, unlock.passphrase), after: async () => action };
}
