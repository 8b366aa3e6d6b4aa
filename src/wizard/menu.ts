import { DistsealError, exitCodeFor, InterruptedError } from '../core/errors.js';
import type { Action } from './action.js';
import type { WizardDeps } from './deps.js';
import { auditFlow } from './audit/flow.js';
import { channelFlow } from './channel/flow.js';
import { keychainOffered } from './keychain.js';
import { releaseFlow } from './release/flow.js';
import { verifyFlow } from './verify/flow.js';
import { executeAction } from './execute.js';
import { generateFlow } from './keys/generate.js';
import { exportFlow, importFlow } from './keys/import-export.js';
import {
  defaultFlow,
  deleteFlow,
  forgetFlow,
  listFlow,
  passwdFlow,
  rememberFlow,
  revokeFlow,
} from './keys/simple.js';
import { Q, type KeysChoice, type MainChoice } from './questions.js';
import { printError } from '../cli/render-error.js';

/** The flow behind each entry of the main menu but Keys (a submenu) and Quit. */
export const MAIN_FLOWS: Record<
  Exclude<MainChoice, 'keys' | 'quit'>,
  (deps: WizardDeps) => Promise<Action | undefined>
> = {
  release: releaseFlow,
  verify: verifyFlow,
  audit: auditFlow,
  channel: channelFlow,
};

/** The flow behind each entry of the Keys menu. */
export const KEY_FLOWS: Record<
  Exclude<KeysChoice, 'back'>,
  (deps: WizardDeps) => Promise<Action | undefined>
> = {
  generate: generateFlow,
  import: importFlow,
  export: exportFlow,
  list: listFlow,
  default: defaultFlow,
  remember: rememberFlow,
  forget: forgetFlow,
  passwd: passwdFlow,
  revoke: revokeFlow,
  delete: deleteFlow,
};

/**
 * Run one Keys flow and its command. A refused action (bad input, a key problem, an I/O error)
 * is reported and the menu comes back; Ctrl-C and unexpected errors end the wizard.
 */
export async function runKeyFlow(choice: Exclude<KeysChoice, 'back'>, deps: WizardDeps): Promise<number> {
  return runFlow(KEY_FLOWS[choice], deps);
}

/**
 * Run one flow and the command it plans. A refused action (bad input, a key problem, an I/O
 * error) is reported and the menu comes back; Ctrl-C and unexpected errors end the wizard.
 */
export async function runFlow(
  flow: (deps: WizardDeps) => Promise<Action | undefined>,
  deps: WizardDeps,
): Promise<number> {
  try {
    const action = await flow(deps);
    if (!action) {
      deps.prompter.say('Cancelled: nothing was changed.');
      return 0;
    }
    return await executeAction(action, deps);
  } catch (error) {
    if (!(error instanceof DistsealError) || error instanceof InterruptedError) throw error;
    printError(deps.ctx.out, error);
    return exitCodeFor(error);
  }
}

/** The Keys submenu, until "Back". Returns the exit code of the last action run. */
async function keysMenu(deps: WizardDeps, last: number): Promise<number> {
  for (;;) {
    const keychain = await keychainOffered(deps);
    const choice = await deps.prompter.select(Q.keysMenu(keychain));
    if (choice === 'back') return last;
    last = await runKeyFlow(choice, deps);
  }
}

/**
 * The wizard's main menu, until "Quit". Resolves to the exit code of the last action (0 when
 * it succeeded or nothing ran); Ctrl-C anywhere rejects with InterruptedError (exit 130).
 */
export async function runMenu(deps: WizardDeps): Promise<number> {
  let last = 0;
  for (;;) {
    const choice: MainChoice = await deps.prompter.select(Q.main());
    if (choice === 'quit') return last;
    last = choice === 'keys' ? await keysMenu(deps, last) : await runFlow(MAIN_FLOWS[choice], deps);
  }
}
