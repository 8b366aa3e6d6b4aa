import path from 'node:path';
import { FakeAnaconda } from '../helpers/fake-anaconda.js';
import { FIXTURES, runCli, tempDir } from '../helpers/cli.js';
import { peerTest } from '../helpers/peers.js';

const secretService = {
  ok: process.env.DISTSEAL_SECRET_SERVICE === '1',
  why: 'no Secret Service session (run under scripts/with-secret-service.sh)',
};

peerTest(['gnome-keyring-daemon'], secretService)(
  'login conda stores the token in the real keychain; upload conda finds it there; --forget removes it',
  async (t) => {
    const token = 'conda-keychain-token-987';
    const server = await new FakeAnaconda({ tokens: { [token]: 'carol' } }).start();
    const { dir, cleanup } = await tempDir();
    t.teardown(async () => {
      await server.stop();
      await cleanup();
    });
    const base = ['--home', path.join(dir, 'home')];
    const env = { HOME: dir };
    const login = await runCli([...base, 'login', 'conda', '--server-url', server.url, '--token-fd', '0'], {
      env,
      input: `${token}\n`,
    });
    t.is(login.code, 0, login.stderr);
    t.false(login.stdout.includes(token));
    const pkg = path.join(FIXTURES, 'conda', 'tinylib-0.1-h0_1.conda');
    const up = await runCli([...base, '--verbose', 'upload', 'conda', pkg, '--server-url', server.url], {
      env,
    });
    t.is(up.code, 0, up.stderr);
    t.regex(up.stderr, /from the OS keychain/);
    t.false(up.stderr.includes(token) || up.stdout.includes(token));
    t.true(server.dists.has('carol/tinylib/0.1/linux-64/tinylib-0.1-h0_1.conda'));
    const forget = await runCli([...base, 'login', 'conda', '--server-url', server.url, '--forget'], { env });
    t.is(forget.code, 0, forget.stderr);
    const again = await runCli(
      [...base, 'upload', 'conda', pkg, '--server-url', server.url, '--skip-existing'],
      { env },
    );
    t.is(again.code, 2);
    t.regex(again.stderr, /No anaconda\.org token/);
  },
);
