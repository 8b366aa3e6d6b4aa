import type { KeyInfo } from '../core/keys/info.js';
import type { LeafCommand } from '../cli/command.js';
import type { Context } from '../cli/context.js';
import type { Prompter } from './prompter.js';

/** What the wizard needs to know about one of the user's own keys: the key list's own facts. */
export type WizardKey = Pick<KeyInfo, 'fingerprint' | 'userIDs' | 'revoked' | 'hasSecret' | 'isDefault'> &
  Partial<Pick<KeyInfo, 'algorithm' | 'expires' | 'primarySecret' | 'passphraseInKeychain'>>;

/** The keys leaf commands the wizard drives (src/cli/commands/keys/<name>.ts). */
export type KeysLeaf =
  | 'generate'
  | 'import'
  | 'export'
  | 'list'
  | 'revoke'
  | 'passwd'
  | 'delete'
  | 'default'
  | 'remember'
  | 'forget'
  | 'expire';

/** Every leaf command a wizard flow runs: the keys commands, `audit`, `release`, `verify`, `channel add|verify`. */
export type WizardLeaf = KeysLeaf | 'audit' | 'release' | 'verify' | 'channel-add' | 'channel-verify';

/** Whether an OS keychain answers, and why not when it does not (a short, secret-free reason). */
export type KeychainStatus = { available: true } | { available: false; reason: string };

/**
 * Everything a flow touches, injected so tests can script the prompts, record the run() calls
 * and fix the clock. `defaultDeps` (src/wizard/index.ts) wires the real ones.
 */
export interface WizardDeps {
  ctx: Context;
  prompter: Prompter;
  /** The user's own keys, fresh each time (KeyStore.listOwn()). */
  listKeys(): Promise<WizardKey[]>;
  /** Load a leaf command; the wizard calls its run() exactly as the CLI would. */
  loadLeaf(name: WizardLeaf): Promise<LeafCommand>;
  /**
   * True when `passphrase` unlocks the key's secret (used to check the current passphrase as it
   * is typed); true as well for a key that has no passphrase.
   */
  checkPassphrase(fingerprint: string, passphrase: string): Promise<boolean>;
  /** True when the key's secret is protected by a passphrase. */
  hasPassphrase(fingerprint: string): Promise<boolean>;
  /**
   * Whether an OS keychain answers; what needs one is not offered otherwise (absent: available).
   * Injected so tests choose; `defaultDeps` probes once, silently (src/wizard/keychain.ts).
   */
  keychainStatus?(): Promise<KeychainStatus>;
  now?: Date;
}
