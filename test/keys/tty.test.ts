import { mkdirSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { KEYS_EXAMPLE, runCli, tempDir } from '../helpers/cli.js';
import { peerTest } from '../helpers/peers.js';
import { TmuxSession } from '../wizard/tmux.js';
import { EXAMPLE_FPR, EXAMPLE_PASSPHRASE, snapshotTree } from './helpers.js';

// The key commands in a real pseudo-terminal (tmux): prompts, three tries, confirmations, Ctrl-C.
const test = peerTest(['tmux']);
const NO_DBUS = 'DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/distseal-test-bus';

async function homeWithExample(t: { teardown: (fn: () => Promise<void> | void) => void }) {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const home = path.join(dir, 'home');
  await runCli(['--home', home, 'keys', 'import', path.join(KEYS_EXAMPLE, 'example-secret.asc')], {
    env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/x' },
  });
  let n = 0;
  const session = (args: string[]) => {
    // One directory per session: TmuxSession keeps its exit status in a fixed file name there.
    const own = path.join(dir, `tty-${(n += 1)}`);
    mkdirSync(own);
    const s = new TmuxSession(own, ['--home', home, ...args], [NO_DBUS]);
    t.teardown(() => s.kill());
    return s;
  };
  return { dir, home, session };
}

test('a wrong passphrase at the prompt is asked again, three tries, then exit 2; nothing changed', async (t) => {
  const { dir, home, session } = await homeWithExample(t);
  const next = path.join(dir, 'next');
  await fs.writeFile(next, 'next passphrase\n');
  const before = await snapshotTree(home);
  const s = session(['keys', 'passwd', EXAMPLE_FPR, '--new-passphrase-file', next]);
  for (let i = 0; i < 3; i += 1) {
    await s.waitFor(new RegExp(`(Passphrase for ${EXAMPLE_FPR}[^\\n]*\\n[\\s\\S]*){${i + 1}}`));
    s.type('wrong');
    s.press('Enter');
    if (i < 2) await s.waitFor(new RegExp(`${2 - i} tr(y|ies) left`));
  }
  t.is(await s.exitCode(), 2);
  t.regex(s.screen(), /Wrong passphrase for key 2D28D366.*from a prompt/);
  t.notRegex(s.screen(), /wrong\b(?! passphrase)/i, 'typed characters are masked');
  t.is(await snapshotTree(home), before);
});

test('the right passphrase on the second try unlocks; Ctrl-C at a prompt exits 130 with nothing written', async (t) => {
  const { dir, home, session } = await homeWithExample(t);
  const next = path.join(dir, 'next');
  await fs.writeFile(next, 'next passphrase\n');
  const before = await snapshotTree(home);
  const cancel = session(['keys', 'passwd', EXAMPLE_FPR, '--new-passphrase-file', next]);
  await cancel.waitFor(/Passphrase for/);
  cancel.press('C-c');
  t.is(await cancel.exitCode(), 130);
  t.is(await snapshotTree(home), before, 'Ctrl-C changed nothing');
  const s = session(['keys', 'passwd', EXAMPLE_FPR, '--new-passphrase-file', next]);
  await s.waitFor(/Passphrase for/);
  s.type('nope');
  s.press('Enter');
  await s.waitFor(/2 tries left/);
  s.type(EXAMPLE_PASSPHRASE);
  s.press('Enter');
  t.is(await s.exitCode(), 0, s.screen());
  t.regex(s.screen(), /Changed the passphrase/);
  t.false(s.screen().includes(EXAMPLE_PASSPHRASE));
});

test('keys generate in a terminal asks name, e-mail and the passphrase twice; keys delete asks to confirm', async (t) => {
  const { home, session } = await homeWithExample(t);
  const gen = session(['keys', 'generate']);
  await gen.waitFor(/Your name:/);
  gen.type('Tty Person');
  gen.press('Enter');
  await gen.waitFor(/Your e-mail address:/);
  gen.type('not-an-email');
  gen.press('Enter');
  await gen.waitFor(/is not an e-mail address/);
  for (let i = 0; i < 12; i += 1) gen.press('BSpace');
  gen.type('tty@example.org');
  gen.press('Enter');
  await gen.waitFor(/New passphrase for the new key:/);
  gen.type('first try');
  gen.press('Enter');
  await gen.waitFor(/Repeat the passphrase:/);
  gen.type('different');
  gen.press('Enter');
  await gen.waitFor(/The two passphrases differ/);
  await gen.waitFor(/(New passphrase for the new key:[\s\S]*){2}/);
  gen.type('tty passphrase');
  gen.press('Enter');
  await gen.waitFor(/Repeat the passphrase:[\s\S]*Repeat the passphrase:/);
  gen.type('tty passphrase');
  gen.press('Enter');
  t.is(await gen.exitCode(60_000), 0, gen.screen());
  t.regex(gen.screen(), /Created key [0-9A-F]{40}/);
  const keys = JSON.parse(
    (
      await runCli(['--home', home, 'keys', 'list', '--json'], {
        env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/x' },
      })
    ).stdout,
  ) as { results: Array<{ userIDs: string[] }> };
  t.true(keys.results.some((k) => k.userIDs[0] === 'Tty Person <tty@example.org>'));

  const del = session(['keys', 'delete', EXAMPLE_FPR]);
  await del.waitFor(/Delete the SECRET key 2D28D366/);
  del.type('n');
  del.press('Enter');
  t.is(await del.exitCode(), 130);
  await fs.stat(path.join(home, 'keys', `${EXAMPLE_FPR}.asc`));
  const del2 = session(['keys', 'delete', EXAMPLE_FPR]);
  await del2.waitFor(/Delete the SECRET key 2D28D366/);
  del2.type('y');
  del2.press('Enter');
  t.is(await del2.exitCode(), 0);
  await t.throwsAsync(fs.stat(path.join(home, 'keys', `${EXAMPLE_FPR}.asc`)));
});
