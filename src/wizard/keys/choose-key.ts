import { UsageError } from '../../core/errors.js';
import type { WizardDeps, WizardKey } from '../deps.js';
import { Q } from '../questions.js';

/** One line per key for a menu: user ID, short fingerprint and marks. */
export function describeKey(key: WizardKey): string {
  const uid = key.userIDs[0] ?? '(no user ID)';
  const marks = [
    key.isDefault ? 'default' : undefined,
    key.hasSecret ? undefined : 'public only',
    key.revoked ? 'revoked' : undefined,
    key.passphraseInKeychain ? 'passphrase in keychain' : undefined,
  ].filter(Boolean);
  return `${uid}  ${key.fingerprint.slice(-16)}${marks.length ? `  [${marks.join(', ')}]` : ''}`;
}

/**
 * Ask which of the user's own keys to act on, from the actual key list (never typed by hand,
 * so it cannot be unknown or ambiguous). `filter` drops keys the action cannot apply to; when
 * none is left, a UsageError says why and what to do, and the wizard returns to the menu.
 */
export async function chooseKey(
  deps: WizardDeps,
  message: string,
  filter: (key: WizardKey) => boolean = () => true,
  none = 'You have no key for this yet. Create one (Keys > Create a new key) or import one first.',
): Promise<WizardKey> {
  const keys = (await deps.listKeys()).filter(filter);
  if (keys.length === 0) throw new UsageError(none, { hint: 'Run `distseal keys list` to see your keys.' });
  const fingerprint = await deps.prompter.select(
    Q.key(
      message,
      keys.map((k) => ({ value: k.fingerprint, name: describeKey(k) })),
    ),
  );
  return keys.find((k) => k.fingerprint === fingerprint)!;
}
