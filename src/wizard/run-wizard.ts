import * as openpgp from 'openpgp';
import type { LeafCommand } from '../cli/command.js';
import type { Context } from '../cli/context.js';
import { KeyStore } from '../core/keys/store.js';
import { Keychain } from '../core/secrets/keychain.js';
import type { KeysLeaf, WizardDeps, WizardLeaf } from './deps.js';
import { inquirerPrompter } from './inquirer-prompter.js';
import { runMenu } from './menu.js';

export type { WizardDeps, WizardKey, KeysLeaf } from './deps.js';
export type { Prompter } from './prompter.js';

/** Load `src/cli/commands/keys/<name>.ts`: the wizard runs the very command the flags run. */
async function loadKeysLeaf(name: KeysLeaf): Promise<LeafCommand> {
  const module = (await import(`../cli/commands/keys/${name}.js`)) as { command: LeafCommand };
  return module.command;
}

/** The leaf a flow runs: `audit`, or one of the keys commands. */
async function loadLeaf(name: WizardLeaf): Promise<LeafCommand> {
  if (name === 'audit')
    return ((await import('../cli/commands/audit.js')) as { command: LeafCommand }).command;
  return loadKeysLeaf(name);
}

/** The real dependencies: inquirer on the terminal, the key store in ctx.home, the keys commands. */
export function defaultDeps(ctx: Context): WizardDeps {
  const keychain = new Keychain(ctx.logger);
  const store = () => KeyStore.open({ home: ctx.home, logger: ctx.logger });
  return {
    ctx,
    prompter: inquirerPrompter(ctx),
    listKeys: async () => (await store()).listOwn({ keychain }),
    loadLeaf: loadLeaf,
    hasPassphrase: async (fingerprint) => {
      const own = await (await store()).findOwn(fingerprint);
      if (own.info.passphraseProtected !== undefined) return own.info.passphraseProtected;
      return own.key.isPrivate() ? !own.key.isDecrypted() : false;
    },
    checkPassphrase: async (fingerprint, passphrase) => {
      const own = await (await store()).findOwn(fingerprint);
      if (!own.key.isPrivate()) return false;
      try {
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
 * options and calls the same keys commands the flags call, printing each equivalent command.
 * Resolves to an exit code; Ctrl-C rejects with InterruptedError (exit 130, nothing written).
 */
export async function runWizard(ctx: Context, deps: WizardDeps = defaultDeps(ctx)): Promise<number> {
  ctx.out.err('distseal wizard: Ctrl-C quits at any step; nothing is written until you confirm.');
  return runMenu(deps);
}
