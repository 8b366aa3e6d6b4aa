import type { Action } from '../action.js';
import type { WizardDeps } from '../deps.js';
import { keychainOffered } from '../keychain.js';
import { Q } from '../questions.js';
import { askNewPassphrase } from './passphrase.js';
import { rememberAction } from './simple.js';

/**
 * Create a key: name, e-mail, type, expiry, passphrase (twice) or none, then one confirmation.
 * Gathers exactly the options of `distseal keys generate`; nothing is written until run().
 */
export async function generateFlow(deps: WizardDeps): Promise<Action | undefined> {
  const p = deps.prompter;
  const name = (await p.input(Q.name())).trim();
  const email = (await p.input(Q.email())).trim();
  const algo = await p.select(Q.algo());
  const expires = (await p.input(Q.expires(deps.now))).trim().toLowerCase();
  const usePassphrase = await p.confirm(Q.usePassphrase());
  let passphrase: string | undefined;
  let remember = false;
  if (usePassphrase) {
    passphrase = await askNewPassphrase(deps);
    // Offered only when there is a keychain to keep it in (issue 15 item 7).
    if (await keychainOffered(deps)) remember = await p.confirm(Q.rememberAfter());
  } else {
    p.say('Without a passphrase, anyone who can read the key file can sign as you.');
  }
  const when =
    expires === 'never'
      ? 'that never expires'
      : /^\d+[dwmy]$/.test(expires)
        ? `expiring in ${expires}`
        : `expiring on ${expires}`;
  const summary = `an ${algo} key for "${name} <${email}>" ${when}, ${passphrase ? 'with a passphrase' : 'WITHOUT a passphrase'}`;
  if (!(await p.confirm(Q.confirmGenerate(summary)))) return undefined;

  const before = new Set((await deps.listKeys()).map((k) => k.fingerprint));
  return {
    leaf: 'generate',
    plan: {
      command: ['keys', 'generate'],
      positionals: [],
      flags: { name, email, algo, expires, passphrase: passphrase ? undefined : false },
      secretHints: passphrase ? ['--passphrase-file', 'FILE'] : undefined,
      secretNote: passphrase
        ? 'FILE holds the passphrase (make it readable only by you); --passphrase-fd N reads it from a file descriptor instead.'
        : undefined,
    },
    secrets: passphrase ? { newPassphrase: passphrase } : undefined,
    after: remember
      ? async (d) => {
          const created = (await d.listKeys()).find((k) => !before.has(k.fingerprint));
          return created ? rememberAction(created.fingerprint, passphrase!) : undefined;
        }
      : undefined,
  };
}
