import test from 'ava';
import { Keychain, type KeytarLike } from '../../src/core/secrets/keychain.js';
import { keychainOffered, keychainProbe } from '../../src/wizard/keychain.js';
import { runWizard } from '../../src/wizard/run-wizard.js';
import { scriptedDeps } from './scripted.js';

function fakeKeytar(getPassword: KeytarLike['getPassword']): KeytarLike {
  return {
    getPassword,
    setPassword: async () => undefined,
    deletePassword: async () => false,
    findCredentials: async () => [],
  };
}

test('the probe: a keychain that answers is available; asked once however often the wizard asks', async (t) => {
  let loads = 0;
  let lookups = 0;
  const probe = keychainProbe(
    () =>
      new Keychain(undefined, async () => {
        loads += 1;
        return fakeKeytar(async () => ((lookups += 1), null));
      }),
  );
  t.deepEqual(await probe(), { available: true });
  t.deepEqual(await probe(), { available: true });
  t.is(loads, 1);
  t.is(lookups, 1);
});

test('the probe: no D-Bus session, or no keytar module, is unavailable with a short reason', async (t) => {
  const noBus = keychainProbe(
    () =>
      new Keychain(undefined, async () =>
        fakeKeytar(async () => {
          throw new Error('Cannot autolaunch D-Bus without X11 $DISPLAY');
        }),
      ),
  );
  t.deepEqual(await noBus(), { available: false, reason: 'no D-Bus session: no Secret Service is running' });
  const noModule = keychainProbe(
    () =>
      new Keychain(undefined, async () => {
        throw new Error("Cannot find module '@github/keytar'");
      }),
  );
  t.deepEqual(await noModule(), { available: false, reason: 'the keytar module is not installed' });
});

test('keychainOffered: true when available (nothing said); false and one message when not', async (t) => {
  const yes = scriptedDeps([]);
  yes.deps.keychainStatus = async () => ({ available: true });
  t.true(await keychainOffered(yes.deps));
  t.deepEqual(yes.prompter.said, []);
  const no = scriptedDeps([]);
  no.deps.keychainStatus = async () => ({ available: false, reason: 'no D-Bus session' });
  t.false(await keychainOffered(no.deps));
  t.false(await keychainOffered(no.deps));
  t.is(no.prompter.said.length, 1);
  t.regex(no.prompter.said[0]!, /^No OS keychain is available here \(no D-Bus session\)/);
});

test('the wizard probes the keychain before its first prompt, not between two prompts', async (t) => {
  const s = scriptedDeps([['main', 'quit']]);
  const order: string[] = [];
  s.deps.keychainStatus = async () => (order.push('probe'), { available: true });
  const select = s.prompter.select.bind(s.prompter);
  s.deps.prompter.select = async (q) => (order.push(`ask ${q.id}`), select(q));
  t.is(await runWizard(s.deps.ctx, s.deps), 0);
  t.deepEqual(order, ['probe', 'ask main']);
});
