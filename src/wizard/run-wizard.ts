import * as openpgp from 'openpgp';
import type { Context } from '../cli/context.js';
import { streamIteratedS2K } from '../core/keys/s2k.js';
import { KeyStore } from '../core/keys/store.js';
import { Keychain } from '../core/secrets/keychain.js';
import type { WizardDeps } from './deps.js';
import { inquirerPrompter } from './inquirer-prompter.js';
import { keychainProbe } from './keychain.js';
import { loadLeaf } from './load-leaf.js';
import { runMenu } from './menu.js';

export type { WizardDeps, WizardKey, KeysLeaf } from './deps.js';
export type { Prompter } from './prompter.js';

/**
 * The real dependencies: inquirer on the terminal, the key store in ctx.home, the leaf commands,
 * and a keychain probe (once, silent, when a flow first needs it).
 */
export function defaultDeps(ctx: Context): WizardDeps {
  // Silent: whether a keychain answers is said once, by the flow that needs it (src/wizard/keychain.ts).
  const keychain = new Keychain();
  const store = () => KeyStore.open({ home: ctx.home, logger: ctx.logger });
  return {
    ctx,
    prompter: inquirerPrompter(ctx),
    listKeys: async () => (await store()).listOwn({ keychain }),
    loadLeaf,
    keychainStatus: keychainProbe(),
    hasPassphrase: async (fingerprint) => {
      const own = await (await store()).findOwn(fingerprint);
      if (own.info.passphraseProtected !== undefined) return own.info.passphraseProtected;
      return own.key.isPrivate() ? !own.key.isDecrypted() : false;
    },
    checkPassphrase: async (fingerprint, passphrase) => {
      const own = await (await store()).findOwn(fingerprint);
      if (!own.key.isPrivate()) return false;
      try {
        streamIteratedS2K(own.key); // as every unlock: no 65 MB S2K buffer per key packet
        await openpgp.decryptKey({ privateKey: own.key, passphrase });
        return true;
      } catch {
        return false;
      }
    },
  };
}

/**
 * The interactive menu shown by `distseal` with no arguments in a terminal. It only gathers
 * options and calls the same commands the flags call, printing each equivalent command.
 * Resolves to an exit code; Ctrl-C rejects with InterruptedError (exit 130, nothing written).
 */
export async function runWizard(ctx: Context, deps: WizardDeps = defaultDeps(ctx)): Promise<number> {
  ctx.out.err('distseal wizard: Ctrl-C quits at any step; nothing is written until you confirm.');
  // Probe the keychain before the first prompt is on screen, never between two prompts: a native
  // keychain call in that gap lost the keystroke that answered the next prompt (seen in tmux).
  await deps.keychainStatus?.();
  return runMenu(deps);
}
