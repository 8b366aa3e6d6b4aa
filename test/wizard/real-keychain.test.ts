import path from 'node:path';
import { Keychain, PASSPHRASE_SERVICE } from '../../src/core/secrets/keychain.js';
import { defaultDeps } from '../../src/wizard/run-wizard.js';
import { runMenu } from '../../src/wizard/menu.js';
import { tempDir } from '../helpers/cli.js';
import { peerTest } from '../helpers/peers.js';
import { memoryContext, ScriptedPrompter, type Answer } from './scripted.js';

// The wizard's keychain offers against a real Secret Service (CI runs the suite inside
// scripts/with-secret-service.sh: a private D-Bus session with an unlocked gnome-keyring).
const test = peerTest(['dbus-run-session', 'gnome-keyring-daemon'], {
  ok: process.env.DISTSEAL_SECRET_SERVICE === '1',
  why: 'no Secret Service session (run the tests under scripts/with-secret-service.sh)',
});

const PASS = 'keychain wizard passphrase';

function wizard(home: string, cwd: string, script: Array<[string, Answer]>) {
  const mem = memoryContext({ home, cwd, env: { ...(process.env as Record<string, string>), HOME: cwd } });
  const prompter = new ScriptedPrompter(script);
  const deps = { ...defaultDeps(mem.ctx), prompter };
  return { ...mem, prompter, deps, done: runMenu(deps) };
}

test('create with "keep the passphrase in the keychain", change it without retyping the old one, then forget it', async (t) => {
  const { dir, cleanup } = await tempDir('distseal-wizard-keychain-');
  const home = path.join(dir, 'home');
  const keychain = new Keychain();
  let fpr = '';
  t.teardown(async () => {
    if (fpr) await keychain.delete(PASSPHRASE_SERVICE, fpr).catch(() => undefined);
    await cleanup();
  });

  const one = wizard(home, dir, [
    ['main', 'keys'],
    ['keys-menu', 'generate'],
    ['name', 'Key Chain'],
    ['email', 'kc@example.org'],
    ['algo', 'ed25519'],
    ['expires', '1y'],
    ['use-passphrase', true],
    ['new-passphrase', PASS],
    ['repeat-passphrase', PASS],
    ['remember', true],
    ['confirm-generate', true],
    ['keys-menu', 'back'],
    ['main', 'quit'],
  ]);
  t.is(await one.done, 0, one.stderr());
  const [key] = await one.deps.listKeys();
  fpr = key!.fingerprint;
  t.true(key!.passphraseInKeychain);
  t.is(await keychain.get(PASSPHRASE_SERVICE, fpr), PASS);
  t.regex(one.stderr(), new RegExp(`distseal keys remember ${fpr} --passphrase-file FILE`));

  // passwd: the current passphrase comes from the keychain, so only the new one is asked.
  const two = wizard(home, dir, [
    ['main', 'keys'],
    ['keys-menu', 'passwd'],
    ['key', fpr],
    ['new-passphrase', 'brand new passphrase'],
    ['repeat-passphrase', 'brand new passphrase'],
    ['keys-menu', 'forget'],
    ['key', fpr],
    ['keys-menu', 'back'],
    ['main', 'quit'],
  ]);
  t.is(await two.done, 0, two.stderr());
  t.false(two.prompter.asked.some((a) => a.id === 'current-passphrase'));
  t.true(await two.deps.checkPassphrase(fpr, 'brand new passphrase'));
  t.is(await keychain.get(PASSPHRASE_SERVICE, fpr), null);
  const [after] = await two.deps.listKeys();
  t.false(after!.passphraseInKeychain);
});
