import path from 'node:path';
import { peerTest } from '../helpers/peers.js';
import { startIndexServer } from '../helpers/pypi-server.js';
import { FIXTURES, runCli, tempDir } from '../helpers/cli.js';

const secretService = {
  ok: process.env.DISTSEAL_SECRET_SERVICE === '1',
  why: 'no Secret Service session (run under scripts/with-secret-service.sh)',
};

peerTest(['gnome-keyring-daemon'], secretService)(
  'login pypi stores a token in the real keychain; upload finds it there; --forget removes it',
  async (t) => {
    const server = await startIndexServer({ users: { alice: 'keychain-token-123' } });
    const { dir, cleanup } = await tempDir();
    t.teardown(async () => {
      await server.close();
      await cleanup();
    });
    const base = ['--home', path.join(dir, 'home')];
    const env = { HOME: dir };
    const login = await runCli(
      [...base, 'login', 'pypi', '--repository-url', server.uploadUrl, '-u', 'alice', '--token-fd', '0'],
      { env, input: 'keychain-token-123\n' },
    );
    t.is(login.code, 0, login.stderr);
    const wheel = path.join(FIXTURES, 'python', 'flit_sample-0.3.0-py3-none-any.whl');
    const up = await runCli(
      [
        ...base,
        '--verbose',
        'upload',
        'pypi',
        '--repository-url',
        server.uploadUrl,
        '-u',
        'alice',
        '--non-interactive',
        wheel,
      ],
      { env },
    );
    t.is(up.code, 0, up.stderr);
    t.regex(up.stderr, /from the OS keychain \(service http:\/\/127\.0\.0\.1:\d+\/legacy\/, account alice/);
    t.false(up.stderr.includes('keychain-token-123'));
    const forget = await runCli(
      [...base, 'login', 'pypi', '--repository-url', server.uploadUrl, '-u', 'alice', '--forget'],
      { env },
    );
    t.is(forget.code, 0, forget.stderr);
    const again = await runCli(
      [
        ...base,
        'upload',
        'pypi',
        '--repository-url',
        server.uploadUrl,
        '-u',
        'alice',
        '--non-interactive',
        wheel,
      ],
      { env },
    );
    t.is(again.code, 2);
  },
);
