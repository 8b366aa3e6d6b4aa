import { promises as fs } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import * as openpgp from 'openpgp';
import { KEYS_EXAMPLE, runCli, tempDir } from '../helpers/cli.js';
import { peerTest } from '../helpers/peers.js';
import { TmuxSession } from '../wizard/tmux.js';
import { EXAMPLE_FPR } from '../keys/helpers.js';

/** Issue 15, the keys items: messages and flags as a new user meets them. */
const NO_DBUS = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/distseal-test-bus' };

async function setup(t: { teardown: (fn: () => Promise<void>) => void }) {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const home = path.join(dir, 'home');
  const cli = (args: string[], options: { input?: string; env?: Record<string, string> } = {}) =>
    runCli(['--home', home, ...args], { ...options, env: { ...NO_DBUS, ...options.env } });
  return { dir, home, cli };
}

test('keys import of a public-only key says it cannot sign and names trust add; an expired secret key is not made default', async (t) => {
  const { dir, cli } = await setup(t);
  const pub = await cli(['keys', 'import', path.join(KEYS_EXAMPLE, 'example-public.asc')]);
  t.is(pub.code, 0, pub.stderr);
  t.regex(pub.stderr, /holds no secret key, so it cannot sign.*you meant `distseal trust add /s);
  const { privateKey } = await openpgp.generateKey({
    userIDs: [{ name: 'Old', email: 'old@example.org' }],
    date: new Date(Date.now() - 10 * 86400_000),
    keyExpirationTime: 86400,
    format: 'object',
  });
  const file = path.join(dir, 'old-secret.asc');
  await fs.writeFile(file, privateKey.armor());
  const old = await cli(['--json', 'keys', 'import', file]);
  t.is(old.code, 0, old.stderr);
  t.false(JSON.parse(old.stdout).results[0].madeDefault);
  t.regex(old.stderr, /is expired, so it was not made the default signing key/);
  const again = await cli(['keys', 'import', path.join(KEYS_EXAMPLE, 'example-secret.asc')]);
  t.is(again.code, 0, again.stderr);
  t.regex(again.stdout, /now the default signing key/);
});

peerTest(['tmux'])(
  'in a terminal, keys import of a public-only key offers the trusted keyring',
  async (t) => {
    const { dir, home } = await setup(t);
    const own = path.join(dir, 'tty');
    await fs.mkdir(own);
    const s = new TmuxSession(
      own,
      ['--home', home, 'keys', 'import', path.join(KEYS_EXAMPLE, 'example-public.asc')],
      [`DBUS_SESSION_BUS_ADDRESS=${NO_DBUS.DBUS_SESSION_BUS_ADDRESS}`],
    );
    t.teardown(() => s.kill());
    await s.waitFor(/Add it to the trusted keyring/);
    s.press('Enter');
    t.is(await s.exitCode(), 0, s.screen());
    const trusted = await runCli(['--home', home, '--json', 'trust', 'list'], { env: NO_DBUS });
    t.regex(trusted.stdout, new RegExp(EXAMPLE_FPR));
    const mine = await runCli(['--home', home, '--json', 'keys', 'list'], { env: NO_DBUS });
    t.notRegex(mine.stdout, new RegExp(EXAMPLE_FPR));
  },
);

test('a key that expired after it signed: the warning says it has expired since, without contradiction', async (t) => {
  const { dir } = await setup(t);
  const { verifyFile } = await import('../../src/core/verify/verify-file.js');
  const { privateKey } = await openpgp.generateKey({
    userIDs: [{ name: 'Brief', email: 'brief@example.org' }],
    date: new Date(Date.now() - 10 * 86400_000),
    keyExpirationTime: 5 * 86400,
    format: 'object',
  });
  const file = path.join(dir, 'demo-1.0.tar.gz');
  await fs.writeFile(file, 'data');
  // Signed eight days ago, while the key was valid (it expired five days ago).
  const sig = await openpgp.sign({
    message: await openpgp.createMessage({ binary: new Uint8Array(Buffer.from('data')) }),
    signingKeys: privateKey,
    detached: true,
    date: new Date(Date.now() - 8 * 86400_000),
  });
  await fs.writeFile(`${file}.asc`, sig as string);
  const report = await verifyFile({ file, keys: [privateKey.toPublic()] });
  const warnings = report.signatures.flatMap((s) => s.warnings);
  t.true(
    warnings.some((w) => w === 'the key has expired since; it was valid when it signed'),
    JSON.stringify(warnings),
  );
  t.false(warnings.some((w) => /expired when it signed/.test(w)));
});

test('keys revoke asks first: --yes is known, and without a terminal it is required', async (t) => {
  const { cli } = await setup(t);
  t.is((await cli(['keys', 'import', path.join(KEYS_EXAMPLE, 'example-secret.asc')])).code, 0);
  const env = { DISTSEAL_PASSPHRASE: 'example-passphrase-do-not-use' };
  const refused = await cli(['keys', 'revoke', EXAMPLE_FPR], { env });
  t.is(refused.code, 2);
  t.regex(refused.stderr, /needs confirmation[\s\S]*--yes/);
  const done = await cli(['keys', 'revoke', EXAMPLE_FPR, '--yes'], { env });
  t.is(done.code, 0, done.stderr);
  t.regex(done.stdout, /Revoked key/);
});

test('keys passwd names the NEW passphrase and DISTSEAL_NEW_PASSPHRASE; a one-letter name says the minimum', async (t) => {
  const { cli } = await setup(t);
  t.is((await cli(['keys', 'import', path.join(KEYS_EXAMPLE, 'example-secret.asc')])).code, 0);
  const r = await cli(['keys', 'passwd', EXAMPLE_FPR], {
    env: { DISTSEAL_PASSPHRASE: 'example-passphrase-do-not-use' },
  });
  t.is(r.code, 2);
  t.regex(r.stderr, /No NEW passphrase was given/);
  t.regex(r.stderr, /DISTSEAL_NEW_PASSPHRASE/);
  const help = await cli(['keys', 'passwd', '--help']);
  t.regex(help.stdout, /DISTSEAL_NEW_PASSPHRASE/);
  const short = await cli(['keys', 'generate', '--name', 'M', '--email', 'm@example.org', '--no-passphrase']);
  t.is(short.code, 2);
  t.regex(short.stderr, /too short: give at least 2 characters/);
});
