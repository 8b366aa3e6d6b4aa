import type { Action } from '../action.js';
import type { WizardDeps, WizardKey } from '../deps.js';
import { Q } from '../questions.js';
import { chooseKey, describeKey } from './choose-key.js';
import { askCurrentPassphrase, askNewPassphrase } from './passphrase.js';

/** The name the keys leaves give their key positional (`keys export <fpr>` ...). */
export const KEY_ARG = 'fpr';

const withSecret = (k: WizardKey) => k.hasSecret;
const usable = (k: WizardKey) => k.hasSecret && !k.revoked;
const UNLOCK_NOTE =
  'The command finds the passphrase in --passphrase-file FILE, --passphrase-fd N, DISTSEAL_PASSPHRASE or the OS keychain, else asks.';

function keyAction(
  leaf: Action['leaf'],
  fingerprint: string,
  flags: Action['plan']['flags'] = {},
  extra: Partial<Action> = {},
): Action {
  return {
    leaf,
    plan: { command: ['keys', leaf], positionals: [{ name: KEY_ARG, value: fingerprint }], flags },
    ...extra,
  };
}

/** `keys list`: nothing to ask. */
export async function listFlow(): Promise<Action> {
  return { leaf: 'list', plan: { command: ['keys', 'list'], positionals: [], flags: {} } };
}

/** `keys default FPR`: the key `sign` uses when --key is not given. */
export async function defaultFlow(deps: WizardDeps): Promise<Action> {
  const key = await chooseKey(
    deps,
    'Which key should sign by default?',
    usable,
    'You have no usable secret key. Create or import one first.',
  );
  return keyAction('default', key.fingerprint);
}

/** `keys remember FPR` with a passphrase the wizard already checked against the key. */
export function rememberAction(fingerprint: string, passphrase: string): Action {
  return keyAction(
    'remember',
    fingerprint,
    {},
    {
      secrets: { passphrase },
      plan: {
        command: ['keys', 'remember'],
        positionals: [{ name: KEY_ARG, value: fingerprint }],
        flags: {},
        secretHints: ['--passphrase-file', 'FILE'],
        secretNote: 'FILE holds the passphrase; without it the command asks.',
      },
    },
  );
}

/** `keys remember FPR`: ask (and check) the passphrase, store it in the OS keychain. */
export async function rememberFlow(deps: WizardDeps): Promise<Action | undefined> {
  const key = await chooseKey(
    deps,
    'Remember the passphrase of which key?',
    withSecret,
    'You have no secret key yet.',
  );
  const passphrase = await askCurrentPassphrase(deps, key.fingerprint);
  if (passphrase === undefined) {
    deps.prompter.say(`${describeKey(key)} has no passphrase: there is nothing to remember.`);
    return undefined;
  }
  return rememberAction(key.fingerprint, passphrase);
}

/** `keys forget FPR`: drop the passphrase from the OS keychain. */
export async function forgetFlow(deps: WizardDeps): Promise<Action> {
  const key = await chooseKey(
    deps,
    'Forget the passphrase of which key?',
    (k) => k.hasSecret && k.passphraseInKeychain !== false,
    'No key has its passphrase in the OS keychain.',
  );
  return keyAction('forget', key.fingerprint);
}

/** `keys passwd FPR`: the current passphrase (checked as typed), then the new one twice. */
export async function passwdFlow(deps: WizardDeps): Promise<Action> {
  const key = await chooseKey(
    deps,
    'Change the passphrase of which key?',
    withSecret,
    'You have no secret key yet.',
  );
  const passphrase = await askCurrentPassphrase(deps, key.fingerprint, key.passphraseInKeychain === true);
  const newPassphrase = await askNewPassphrase(deps);
  return keyAction(
    'passwd',
    key.fingerprint,
    {},
    {
      secrets: { passphrase, newPassphrase },
      plan: {
        command: ['keys', 'passwd'],
        positionals: [{ name: KEY_ARG, value: key.fingerprint }],
        flags: {},
        secretHints: [
          ...(passphrase === undefined ? [] : ['--passphrase-file', 'FILE']),
          '--new-passphrase-file',
          'NEWFILE',
        ],
        secretNote: `FILE holds the current passphrase, NEWFILE the new one (or DISTSEAL_PASSPHRASE and DISTSEAL_NEW_PASSPHRASE).`,
      },
    },
  );
}

/** `keys revoke FPR --reason R [--message M]`, after a confirmation that defaults to no. */
export async function revokeFlow(deps: WizardDeps): Promise<Action | undefined> {
  const p = deps.prompter;
  const key = await chooseKey(deps, 'Revoke which key?', (k) => !k.revoked, 'You have no unrevoked key.');
  // Without the primary secret, the command applies the revocation certificate stored at
  // generation instead: its reason is fixed and no passphrase is needed.
  const signs = key.hasSecret && key.primarySecret !== false;
  const reason = signs ? await p.select(Q.revokeReason()) : undefined;
  const message = signs ? (await p.input(Q.revokeMessage())).trim() : '';
  const passphrase = signs
    ? await askCurrentPassphrase(deps, key.fingerprint, key.passphraseInKeychain === true)
    : undefined;
  if (!signs)
    p.say(
      'Only the public part of this key is here: the revocation certificate stored at generation will be used.',
    );
  if (!(await p.confirm(Q.confirmRevoke(describeKey(key))))) return undefined;
  const action = keyAction(
    'revoke',
    key.fingerprint,
    { reason, message: message || undefined, yes: true },
    { secrets: { passphrase } },
  );
  if (passphrase !== undefined) action.plan.secretHints = ['--passphrase-file', 'FILE'];
  action.plan.secretNote = UNLOCK_NOTE;
  return action;
}

/** `keys delete FPR --yes`: the wizard's own confirmation replaces the command's. */
export async function deleteFlow(deps: WizardDeps): Promise<Action | undefined> {
  const key = await chooseKey(deps, 'Delete which key?');
  if (!(await deps.prompter.confirm(Q.confirmDelete(describeKey(key))))) return undefined;
  return keyAction('delete', key.fingerprint, { yes: true });
}
