import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { KEYS_EXAMPLE, runCli, tempDir } from '../helpers/cli.js';
import { peerTest } from '../helpers/peers.js';
import { TmuxSession } from './tmux.js';

// End to end through a real pseudo-terminal (tmux): the wizard as a user meets it.
const test = peerTest(['tmux']);
const PASS = 'pty passphrase 4 test';

async function session(t: { teardown: (fn: () => Promise<void> | void) => void }) {
  const { dir, cleanup } = await tempDir('distseal-pty-');
  const home = path.join(dir, 'home');
  const s = new TmuxSession(dir, ['--home', home]);
  t.teardown(async () => {
    s.kill();
    await cleanup();
  });
  await s.waitFor(/\? What do you want to do\?/);
  return { s, home };
}

async function ownKeys(home: string): Promise<any[]> {
  const r = await runCli(['keys', 'list', '--json', '--home', home]);
  if (r.code !== 0) throw new Error(`keys list failed (${r.code}): ${r.stderr}`);
  const data = JSON.parse(r.stdout);
  return Array.isArray(data) ? data : data.results;
}

test('create a key through the menu: validation as typed, passphrase twice, equivalent command, key stored', async (t) => {
  const { s, home } = await session(t);
  s.press('Down', 'Enter'); // Keys (after Release)
  await s.waitFor(/\? Keys:/);
  s.press('Enter'); // Create a new key
  await s.waitFor(/\? Your name/);
  s.type('Ada Tester');
  s.press('Enter');
  await s.waitFor(/\? Your e-mail address:/);
  s.type('not-an-email');
  s.press('Enter');
  await s.waitFor(/is not an e-mail address/);
  for (let i = 0; i < 'not-an-email'.length; i += 1) s.press('BSpace');
  s.type('ada@example.org');
  s.press('Enter');
  await s.waitFor(/\? Key type:/);
  s.press('Enter'); // ed25519 (default)
  await s.waitFor(/\? Expires/);
  s.type('2001-01-01');
  s.press('Enter');
  await s.waitFor(/is in the past/);
  for (let i = 0; i < '2001-01-01'.length; i += 1) s.press('BSpace');
  s.type('1y');
  s.press('Enter');
  await s.waitFor(/\? Protect the secret key/);
  s.press('Enter'); // yes
  await s.waitFor(/\? Passphrase:/);
  s.type(PASS);
  s.press('Enter');
  await s.waitFor(/\? Passphrase again:/);
  s.type(PASS);
  s.press('Enter');
  // No keychain in this terminal (a clean environment has no D-Bus session): said once, not offered.
  const asked = await s.waitFor(/\? Create an ed25519 key/);
  t.is(asked.match(/No OS keychain is available here/g)?.length, 1, asked);
  t.notRegex(asked, /Keep the passphrase in the OS keychain/);
  s.press('Enter'); // yes
  const after = await s.waitFor(/The same without the wizard:[\s\S]*\? Keys:/, 60_000);
  t.regex(
    after,
    /distseal keys generate --name 'Ada Tester' --email ada@example\.org --algo ed25519 --expires 1y --passphrase-file FILE --home /,
  );
  t.false(after.includes(PASS), 'the passphrase never shows on screen');
  s.press('Up', 'Enter'); // Back (the last entry)
  await s.waitFor(/\? What do you want to do\?[\s\S]*❯ Release/);
  s.press('Up', 'Enter'); // Quit
  t.is(await s.exitCode(), 0);

  const keys = await ownKeys(home);
  t.is(keys.length, 1);
  t.deepEqual(keys[0].userIDs, ['Ada Tester <ada@example.org>']);
  t.true(keys[0].hasSecret);
  t.true(keys[0].isDefault);
  t.not(keys[0].expires, null);
});

test('Ctrl-C while typing the passphrase exits 130 and writes nothing', async (t) => {
  const { s, home } = await session(t);
  s.press('Down', 'Enter'); // Keys
  await s.waitFor(/\? Keys:/);
  s.press('Enter');
  await s.waitFor(/\? Your name/);
  s.type('Bob');
  s.press('Enter');
  await s.waitFor(/\? Your e-mail address:/);
  s.type('bob@example.org');
  s.press('Enter');
  await s.waitFor(/\? Key type:/);
  s.press('Enter');
  await s.waitFor(/\? Expires/);
  s.press('Enter');
  await s.waitFor(/\? Protect the secret key/);
  s.press('Enter');
  await s.waitFor(/\? Passphrase:/);
  s.type('half typ');
  s.press('C-c');
  t.is(await s.exitCode(), 130);
  t.regex(s.screen(), /Interrupted: nothing was changed/);
  t.deepEqual(await readdir(home).catch(() => []), [], 'the home was not even created');
});

test('paste an armored public key into the terminal: it is imported', async (t) => {
  const { s, home } = await session(t);
  s.press('Down', 'Enter'); // Keys
  await s.waitFor(/\? Keys:/);
  s.press('Down', 'Enter'); // Import
  await s.waitFor(/\? Import from:/);
  s.press('Down', 'Enter'); // Paste
  await s.waitFor(/Paste the key/);
  const armored = await readFile(path.join(KEYS_EXAMPLE, 'example-public.asc'), 'utf8');
  s.type(armored.replace(/\n/g, '\r'));
  s.press('Enter');
  await s.waitFor(/Imported public key 2D28D36625F7B560715E1EC3939327BD1F11724B[\s\S]*\? Keys:/);
  s.press('Up', 'Enter');
  await s.waitFor(/\? What do you want to do\?[\s\S]*❯ Release/);
  s.press('Up', 'Enter');
  t.is(await s.exitCode(), 0);
  const keys = await ownKeys(home);
  t.deepEqual(
    keys.map((k) => [k.fingerprint, k.hasSecret]),
    [['2D28D36625F7B560715E1EC3939327BD1F11724B', false]],
  );
});

test('Ctrl-C in the paste step (our own line reader) exits 130 too', async (t) => {
  const { s, home } = await session(t);
  s.press('Down', 'Enter'); // Keys
  await s.waitFor(/\? Keys:/);
  s.press('Down', 'Enter'); // Import
  await s.waitFor(/\? Import from:/);
  s.press('Down', 'Enter'); // Paste
  await s.waitFor(/Paste the key/);
  s.type('-----BEGIN PGP PUBLIC KEY BLOCK-----');
  s.press('Enter');
  s.press('C-c');
  t.is(await s.exitCode(), 130);
  t.deepEqual(await readdir(home).catch(() => []), []);
});

test('in a terminal with CI set, or with a command, there is no wizard', async (t) => {
  const { dir, cleanup } = await tempDir('distseal-pty-');
  const ci = new TmuxSession(dir, ['--home', path.join(dir, 'home')], ['CI=true']);
  t.teardown(async () => {
    ci.kill();
    await cleanup();
  });
  t.is(await ci.exitCode(), 2);
  t.regex(ci.screen(), /Name a command/);
  t.notRegex(ci.screen(), /What do you want to do/);
  // Not a terminal at all: usage error, no prompt.
  const piped = await runCli(['--home', path.join(dir, 'home')]);
  t.is(piped.code, 2);
  t.notRegex(piped.stderr, /What do you want to do/);
});
