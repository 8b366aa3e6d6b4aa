import type {
  ConfirmQuestion,
  InputQuestion,
  PasswordQuestion,
  PasteQuestion,
  SelectQuestion,
} from './prompter.js';
import {
  validateArmor,
  validateEmail,
  validateExpiry,
  validateGpgId,
  validateName,
  validateNewPassphrase,
  validatePath,
  validateRepeat,
} from './validate.js';

/**
 * Every question the wizard asks, in one place. Flows call these factories; tests replay the
 * very same definitions (ids, messages, validators) with scripted answers.
 */
export type MainChoice = 'release' | 'keys' | 'verify' | 'audit' | 'channel' | 'quit';
export type KeysChoice =
  | 'generate'
  | 'import'
  | 'export'
  | 'list'
  | 'default'
  | 'remember'
  | 'forget'
  | 'passwd'
  | 'revoke'
  | 'delete'
  | 'back';

export const Q = {
  main: (): SelectQuestion<MainChoice> => ({
    id: 'main',
    message: 'What do you want to do?',
    choices: [
      // Each entry is a flow that gathers the options of one command (issue 12; issue 15 item 6).
      { value: 'release', name: 'Release: check, audit, sign, publish and re-verify your dists' },
      { value: 'keys', name: 'Keys: create, import, export and guard your signing keys' },
      { value: 'verify', name: 'Verify: files, a directory, URLs or a signed SHA256SUMS' },
      { value: 'audit', name: 'Audit: Bandit on dists, known vulnerabilities in dependencies' },
      { value: 'channel', name: 'Channel: add packages to a signed conda file channel, or verify one' },
      { value: 'quit', name: 'Quit' },
    ],
  }),
  /** Without an OS keychain, the entries that need one are not offered (issue 15 item 7). */
  keysMenu: (keychain = true): SelectQuestion<KeysChoice> => ({
    id: 'keys-menu',
    message: 'Keys:',
    choices: [
      { value: 'generate', name: 'Create a new key' },
      { value: 'import', name: 'Import a key (file, paste, or from gpg)' },
      { value: 'export', name: 'Export a key (public, secret, or signing subkey for CI)' },
      { value: 'list', name: 'List my keys' },
      { value: 'default', name: 'Set the default signing key' },
      ...(keychain
        ? [
            { value: 'remember' as const, name: 'Remember a passphrase in the OS keychain' },
            { value: 'forget' as const, name: 'Forget a passphrase from the OS keychain' },
          ]
        : []),
      { value: 'passwd', name: 'Change a passphrase' },
      { value: 'revoke', name: 'Revoke a key' },
      { value: 'delete', name: 'Delete a key' },
      { value: 'back', name: 'Back' },
    ],
  }),
  name: (): InputQuestion => ({
    id: 'name',
    message: 'Your name (for the user ID):',
    validate: validateName,
  }),
  email: (): InputQuestion => ({ id: 'email', message: 'Your e-mail address:', validate: validateEmail }),
  algo: (): SelectQuestion<'ed25519' | 'rsa4096'> => ({
    id: 'algo',
    message: 'Key type:',
    default: 'ed25519',
    choices: [
      { value: 'ed25519', name: 'ed25519 (recommended: small, fast, read by GnuPG 2.2+)' },
      { value: 'rsa4096', name: 'rsa4096 (for old tools that lack Ed25519)' },
    ],
  }),
  expires: (now?: Date): InputQuestion => ({
    id: 'expires',
    message: 'Expires (never, 2y, 18m, 6w, 90d or YYYY-MM-DD):',
    default: '2y',
    validate: (v) => validateExpiry(v, now),
  }),
  usePassphrase: (): ConfirmQuestion => ({
    id: 'use-passphrase',
    message: 'Protect the secret key with a passphrase? (strongly recommended)',
    default: true,
  }),
  newPassphrase: (): PasswordQuestion => ({
    id: 'new-passphrase',
    message: 'Passphrase:',
    validate: validateNewPassphrase,
  }),
  repeatPassphrase: (first: string): PasswordQuestion => ({
    id: 'repeat-passphrase',
    message: 'Passphrase again:',
    validate: validateRepeat(first),
  }),
  currentPassphrase: (check: (v: string) => Promise<true | string>): PasswordQuestion => ({
    id: 'current-passphrase',
    message: 'Current passphrase:',
    validate: check,
  }),
  rememberAfter: (): ConfirmQuestion => ({
    id: 'remember',
    message: 'Keep the passphrase in the OS keychain, so signing does not ask for it?',
    default: false,
  }),
  confirmGenerate: (summary: string): ConfirmQuestion => ({
    id: 'confirm-generate',
    message: `Create ${summary}?`,
    default: true,
  }),
  importSource: (): SelectQuestion<'file' | 'paste' | 'gpg'> => ({
    id: 'import-source',
    message: 'Import from:',
    choices: [
      { value: 'file', name: 'A key file (armored or binary)' },
      { value: 'paste', name: 'Paste an armored key here' },
      { value: 'gpg', name: 'My GnuPG keyring (runs gpg --export)' },
    ],
  }),
  importFile: (): InputQuestion => ({ id: 'import-file', message: 'Key file:', validate: validatePath }),
  importPaste: (): PasteQuestion => ({
    id: 'import-paste',
    message: 'Paste the key:',
    validate: validateArmor,
  }),
  gpgId: (): InputQuestion => ({
    id: 'gpg-id',
    message: 'gpg key ID, fingerprint or e-mail:',
    validate: validateGpgId,
  }),
  gpgPassphrase: (): PasswordQuestion => ({
    id: 'gpg-passphrase',
    message: "The key's passphrase in gpg, to export its secret (empty: it has none):",
  }),
  key: (message: string, choices: SelectQuestion<string>['choices']): SelectQuestion<string> => ({
    id: 'key',
    message,
    choices,
  }),
  exportKind: (): SelectQuestion<'public' | 'secret' | 'subkeys-only'> => ({
    id: 'export-kind',
    message: 'Export:',
    choices: [
      { value: 'public', name: 'Public key (to publish, for people who verify)' },
      { value: 'secret', name: 'Secret key (a backup: keep it offline)' },
      { value: 'subkeys-only', name: 'Signing subkey only (for CI: cannot certify or revoke)' },
    ],
  }),
  exportFormat: (): SelectQuestion<'armor' | 'binary'> => ({
    id: 'export-format',
    message: 'Format:',
    default: 'armor',
    choices: [
      { value: 'armor', name: 'ASCII armor (.asc)' },
      { value: 'binary', name: 'Binary (.gpg / .pgp)' },
    ],
  }),
  exportTarget: (fallback: string): InputQuestion => ({
    id: 'export-output',
    message: 'Write to file (empty: print on the terminal):',
    default: fallback,
  }),
  confirmSecretExport: (): ConfirmQuestion => ({
    id: 'confirm-secret-export',
    message: 'The file will hold a secret key (still protected by its passphrase, if it has one). Continue?',
    default: false,
  }),
  revokeReason: (): SelectQuestion<'compromised' | 'superseded' | 'retired'> => ({
    id: 'revoke-reason',
    message: 'Why revoke it?',
    choices: [
      { value: 'compromised', name: 'compromised: the secret key may be known to someone else' },
      { value: 'superseded', name: 'superseded: replaced by a new key' },
      { value: 'retired', name: 'retired: no longer used' },
    ],
  }),
  revokeMessage: (): InputQuestion => ({
    id: 'revoke-message',
    message: 'A short explanation (optional):',
    validate: (v) => (/[\u0000-\u001f\u007f-\u009f]/.test(v) ? 'Remove the control characters.' : true),
  }),
  confirmRevoke: (label: string): ConfirmQuestion => ({
    id: 'confirm-revoke',
    message: `Revoke ${label}? This cannot be undone once published.`,
    default: false,
  }),
  confirmDelete: (label: string): ConfirmQuestion => ({
    id: 'confirm-delete',
    message: `Delete ${label} from this home? Without a backup it is gone.`,
    default: false,
  }),
} as const;
