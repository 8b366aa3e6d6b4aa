import { copyFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { FakeAnaconda } from '../helpers/fake-anaconda.js';
import { FakePrefix } from '../helpers/fake-prefix.js';
import { FIXTURES, runCli, tempDir } from '../helpers/cli.js';

const CONDA = path.join(FIXTURES, 'conda', 'distseal-demo-1.0.0-py_0.conda');
const TINY = path.join(FIXTURES, 'conda', 'tinylib-0.1-h0_1.conda');
const TOKEN = 'tok-SECRET-1234567890';

test('upload conda to anaconda.org with ANACONDA_API_TOKEN, --json, and the token never printed', async (t) => {
  const s = await new FakeAnaconda({ tokens: { [TOKEN]: 'alice' } }).start();
  const { dir, cleanup } = await tempDir();
  try {
    const r = await runCli(
      [
        '--json',
        '--home',
        dir,
        'upload',
        'conda',
        CONDA,
        TINY,
        '--server-url',
        s.url,
        '--label',
        'dev',
        '--verbose',
      ],
      { env: { ANACONDA_API_TOKEN: TOKEN } },
    );
    t.is(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    t.is(out.owner, 'alice');
    t.deepEqual(
      out.results.map((x: { status: string }) => x.status),
      ['uploaded', 'uploaded'],
    );
    t.false(r.stdout.includes(TOKEN) || r.stderr.includes(TOKEN));
    t.true(s.dists.has('alice/tinylib/0.1/linux-64/tinylib-0.1-h0_1.conda'));
    // Again: 409 without --skip-existing is exit 1 with a hint; with it, exit 0.
    const again = await runCli(['--home', dir, 'upload', 'conda', CONDA, '--server-url', s.url], {
      env: { ANACONDA_API_TOKEN: TOKEN },
    });
    t.is(again.code, 1);
    t.regex(again.stderr, /already exists/);
    t.regex(again.stderr, /--skip-existing/);
    const skip = await runCli(
      ['--home', dir, 'upload', 'conda', CONDA, '--server-url', s.url, '--skip-existing'],
      { env: { BINSTAR_API_TOKEN: TOKEN } },
    );
    t.is(skip.code, 0, skip.stderr);
    t.regex(skip.stdout, /skipped/);
  } finally {
    await s.stop();
    await cleanup();
  }
});

test('an expired token: exit 1 and the plain-words explanation', async (t) => {
  const s = await new FakeAnaconda({ tokens: { [TOKEN]: 'alice' }, expiredTokens: [TOKEN] }).start();
  const { dir, cleanup } = await tempDir();
  try {
    await writeFile(path.join(dir, 'token'), `${TOKEN}\n`);
    const r = await runCli([
      '--home',
      dir,
      'upload',
      'conda',
      CONDA,
      '--server-url',
      s.url,
      '--token-file',
      path.join(dir, 'token'),
    ]);
    t.is(r.code, 1);
    t.regex(r.stderr, /token has expired/);
    t.regex(r.stderr, /api:read api:write/);
    t.false(r.stderr.includes(TOKEN));
  } finally {
    await s.stop();
    await cleanup();
  }
});

test('no token anywhere and not interactive: exit 2 naming every way', async (t) => {
  const { dir, cleanup } = await tempDir();
  try {
    const r = await runCli(['--home', dir, 'upload', 'conda', CONDA, '--server-url', 'http://127.0.0.1:9']);
    t.is(r.code, 2);
    for (const way of ['--token-file', 'BINSTAR_API_TOKEN', 'ANACONDA_API_TOKEN', 'keychain', 'prompt'])
      t.true(r.stderr.includes(way), way);
  } finally {
    await cleanup();
  }
});

test('bad input is refused before any request: a renamed file', async (t) => {
  const s = await new FakeAnaconda({ tokens: { [TOKEN]: 'alice' } }).start();
  const { dir, cleanup } = await tempDir();
  try {
    const renamed = path.join(dir, 'distseal-demo-1.0.1-py_0.tar.bz2');
    await copyFile(path.join(FIXTURES, 'conda', 'distseal-demo-1.0.0-py_0.tar.bz2'), renamed);
    const r = await runCli(['--home', dir, 'upload', 'conda', renamed, '--server-url', s.url], {
      env: { ANACONDA_API_TOKEN: TOKEN },
    });
    t.is(r.code, 2);
    t.regex(r.stderr, /version "1\.0\.1" but info\/index\.json says "1\.0\.0"/);
    t.is(s.requests.length, 0);
  } finally {
    await s.stop();
    await cleanup();
  }
});

test('prefix.dev: Bearer key, per-part headers, 409 as already there, --force', async (t) => {
  const s = await new FakePrefix({ keys: ['pk-123456'], channels: ['mychan'] }).start();
  const { dir, cleanup } = await tempDir();
  try {
    const env = { PREFIX_API_KEY: 'pk-123456' };
    const args = [
      '--home',
      dir,
      'upload',
      'conda',
      CONDA,
      '--server',
      'prefix',
      '--server-url',
      s.url,
      '--channel',
      'mychan',
    ];
    const first = await runCli(args, { env });
    t.is(first.code, 0, first.stderr);
    t.is(s.requests[0]!.authorization, 'Bearer pk-123456');
    t.is(s.requests[0]!.part!.headers['x-file-name'], 'distseal-demo-1.0.0-py_0.conda');
    const dup = await runCli(args, { env });
    t.is(dup.code, 1);
    t.regex(dup.stderr, /already in the channel/);
    const skip = await runCli([...args, '--skip-existing'], { env });
    t.is(skip.code, 0);
    const force = await runCli([...args, '--force'], { env });
    t.is(force.code, 0, force.stderr);
    t.true(s.requests.at(-1)!.force);
    const bad = await runCli(args, { env: { PREFIX_API_KEY: 'wrong-key' } });
    t.is(bad.code, 1);
    t.regex(bad.stderr, /refused the API key/);
  } finally {
    await s.stop();
    await cleanup();
  }
});
