import type { WizardDeps } from '../deps.js';
import { Q } from '../questions.js';

/**
 * Ask for a new passphrase twice. The second entry is checked as it is typed; an empty second
 * entry starts over (so a typo in the first entry is not a dead end).
 */
export async function askNewPassphrase(deps: WizardDeps): Promise<string> {
  for (;;) {
    const first = await deps.prompter.password(Q.newPassphrase());
    const second = await deps.prompter.password(Q.repeatPassphrase(first));
    if (second === first) {
      return first;
    }
    deps.prompter.say('Starting over: type the new passphrase again.');
  }
}

/**
 * Ask for the passphrase that unlocks `fingerprint`, checked against the key as it is typed,
 * unless the key has none or its passphrase is in the OS keychain (then the command finds it
 * there itself). Returns undefined when nothing needs asking.
 */
export async function askCurrentPassphrase(
  deps: WizardDeps,
  fingerprint: string,
  inKeychain = false,
): Promise<string | undefined> {
  if (inKeychain || !(await deps.hasPassphrase(fingerprint))) return undefined;
  const value = await deps.prompter.password(
    Q.currentPassphrase(async (v) =>
      v !== '' && (await deps.checkPassphrase(fingerprint, v))
        ? true
        : 'That passphrase does not unlock this key. Try again (Ctrl-C cancels).',
    ),
  );
  return value;
}
