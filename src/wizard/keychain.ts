import { describeKeychainError, Keychain, PASSPHRASE_SERVICE } from '../core/secrets/keychain.js';
import type { KeychainStatus, WizardDeps } from './deps.js';

/**
 * Ask the OS keychain once whether it answers: one lookup of an entry that never exists, with a
 * silent logger (nothing is printed while a prompt is on screen). Memoized: the wizard probes at
 * most once per run, when a flow first needs to know.
 */
export function keychainProbe(make: () => Keychain = () => new Keychain()): () => Promise<KeychainStatus> {
  let status: Promise<KeychainStatus> | undefined;
  return () =>
    (status ??= (async (): Promise<KeychainStatus> => {
      const keychain = make();
      try {
        await keychain.get(PASSPHRASE_SERVICE, 'distseal-wizard-probe');
      } catch (error) {
        return { available: false, reason: describeKeychainError(error) };
      }
      return keychain.reason === undefined
        ? { available: true }
        : { available: false, reason: keychain.reason };
    })());
}

const told = new WeakSet<WizardDeps>();

/**
 * True when the wizard may offer to keep a passphrase in the OS keychain. When there is none,
 * the user is told once per wizard run (one line, with the reason and the way around it), and
 * nothing that needs a keychain is offered or asked for.
 */
export async function keychainOffered(deps: WizardDeps): Promise<boolean> {
  const status = deps.keychainStatus ? await deps.keychainStatus() : { available: true as const };
  if (status.available) return true;
  if (!told.has(deps)) {
    told.add(deps);
    deps.prompter.say(
      `No OS keychain is available here (${status.reason}), so the wizard does not offer to keep passphrases in it; distseal asks for them, or reads --passphrase-file / DISTSEAL_PASSPHRASE.`,
    );
  }
  return false;
}
