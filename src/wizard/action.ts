import type { WizardDeps, WizardLeaf } from './deps.js';
import type { Plan } from './command-line.js';

/** Secrets a flow gathered; they reach the command in memory, never through argv. */
export interface Secrets {
  /** The passphrase that unlocks the key (what DISTSEAL_PASSPHRASE would carry). */
  passphrase?: string;
  /** A new passphrase (generate, passwd). */
  newPassphrase?: string;
  /** Text given to the command as its standard input (a pasted key for `keys import -`). */
  stdin?: string;
}

/** What a flow produces: the leaf to run, its options, the secrets, and what to do after. */
export interface Action {
  leaf: WizardLeaf;
  plan: Plan;
  secrets?: Secrets;
  /** A follow-up, decided after this action ran (e.g. remember the new key's passphrase). */
  after?: (deps: WizardDeps) => Promise<Action | undefined>;
}
