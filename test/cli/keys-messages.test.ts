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
  t.false(JSON.parse(old.stdout).imported[0].madeDefault);
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
