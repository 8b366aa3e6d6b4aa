import path from 'node:path';
import test from 'ava';
import { FIXTURES, runCli, tempDir } from '../helpers/cli.js';
import { startIndexServer, TEST_TOKEN } from '../helpers/pypi-server.js';
import { startProxy } from '../net/proxy-server.js';

const WHEEL = path.join(FIXTURES, 'python', 'distseal_sample-1.0.0-py3-none-any.whl');
const PROXY_PASSWORD = 'proxy-pass-7731';

test('upload pypi honours HTTP_PROXY with credentials and NO_PROXY, and never shows the proxy password', async (t) => {
  const server = await startIndexServer();
  t.teardown(() => server.close());
  const proxy = await startProxy(`dave:${PROXY_PASSWORD}`);
  t.teardown(proxy.close);
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const run = (env: Record<string, string>) =>
    runCli(
      [
        '--home',
        path.join(dir, 'home'),
        'upload',
        'pypi',
        '--verbose',
        '--repository-url',
        server.uploadUrl,
        WHEEL,
      ],
      {
        env: { HOME: dir, TWINE_USERNAME: '__token__', TWINE_PASSWORD: TEST_TOKEN, ...env },
        cwd: dir,
      },
    );
  const viaProxy = await run({ http_proxy: `http://dave:${PROXY_PASSWORD}@127.0.0.1:${proxy.port}` });
  t.is(viaProxy.code, 0, viaProxy.stderr);
  t.true(
    proxy.seen.some((s) => s.method === 'POST' && s.url === server.uploadUrl),
    JSON.stringify(proxy.seen),
  );
  t.false(`${viaProxy.stdout}${viaProxy.stderr}`.includes(PROXY_PASSWORD));

  const before = proxy.seen.length;
  const bypass = await run({
    HTTP_PROXY: `http://dave:${PROXY_PASSWORD}@127.0.0.1:${proxy.port}`,
    NO_PROXY: 'localhost,127.0.0.1',
  });
  t.is(bypass.code, 0, bypass.stderr);
  t.is(proxy.seen.length, before, 'NO_PROXY: the proxy saw nothing');

  const wrong = await run({ HTTP_PROXY: `http://dave:not-${PROXY_PASSWORD}@127.0.0.1:${proxy.port}` });
  t.is(wrong.code, 1);
  t.false(`${wrong.stdout}${wrong.stderr}`.includes(PROXY_PASSWORD));
});
