import { mkdirSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { listenLocal } from '../helpers/local-server.js';
import { peerTest } from '../helpers/peers.js';
import { tempDir } from '../helpers/cli.js';
import { TmuxSession } from '../wizard/tmux.js';

// trust add --url without --fingerprint at a real terminal: the key is shown and the person asked.
const test = peerTest(['tmux']);
const NO_DBUS = 'DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/distseal-test-bus';

test('without --fingerprint a terminal shows fingerprint and user IDs and asks; no keeps nothing, yes trusts', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const { publicKey } = await openpgp.generateKey({
    userIDs: [{ name: 'Release Team', email: 'release@example.org' }],
    format: 'object',
  });
  const fpr = publicKey.getFingerprint().toUpperCase();
  const server = await listenLocal(http.createServer((_req, res) => res.end(publicKey.armor())));
  t.teardown(server.close);
  const home = path.join(dir, 'home');
  let n = 0;
  const session = () => {
    const own = path.join(dir, `tty-${(n += 1)}`);
    mkdirSync(own);
    const s = new TmuxSession(
      own,
      ['--home', home, 'trust', 'add', '--url', `${server.origin}/KEYS`],
      [NO_DBUS],
    );
    t.teardown(() => s.kill());
    return s;
  };
  const no = session();
  await no.waitFor(/Trust this key\?/);
  t.true(no.screen().includes(fpr), 'the fingerprint is shown');
  t.regex(no.screen(), /Release Team <release@example.org>/);
  no.type('n');
  no.press('Enter');
  t.is(await no.exitCode(), 130);
  t.deepEqual(await readdir(path.join(home, 'trusted')).catch(() => []), []);

  const yes = session();
  await yes.waitFor(/Trust this key\?/);
  yes.type('y');
  yes.press('Enter');
  t.is(await yes.exitCode(), 0, yes.screen());
  t.true((await readdir(path.join(home, 'trusted'))).includes(`${fpr}.asc`));
});
