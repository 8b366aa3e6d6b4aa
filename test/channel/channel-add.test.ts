import { spawnSync } from 'node:child_process';
import { chmod, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { condaDigests } from '../../src/core/distributions/conda/digests.js';
import { readCondaMeta } from '../../src/core/distributions/conda/read.js';
import { BIN, tempDir } from '../helpers/cli.js';
import { havePeer, peerTest } from '../helpers/peers.js';
import { BZ2, cli, CONDA, homeWithKey, PUBLIC_KEY, TINY } from './helpers.js';

let home = '';
let root = '';
let cleanup: () => Promise<void> = async () => undefined;
test.before(async () => {
  ({ dir: root, cleanup } = await tempDir());
  home = await homeWithKey(root);
});
test.after.always(() => cleanup());

test('add places packages by subdir, writes .asc and repodata.json exactly as conda-index, signs it; verify passes', async (t) => {
  const channel = path.join(root, 'c1');
  const r = await cli(home, ['channel', 'add', channel, CONDA, BZ2, TINY]);
  t.is(r.code, 0, r.stderr);
  for (const f of [
    'noarch/distseal-demo-1.0.0-py_0.conda',
    'noarch/distseal-demo-1.0.0-py_0.tar.bz2',
    'linux-64/tinylib-0.1-h0_1.conda',
  ]) {
    await stat(path.join(channel, f));
    await stat(path.join(channel, `${f}.asc`));
  }
  const text = await readFile(path.join(channel, 'noarch', 'repodata.json'), 'utf8');
  const meta = await readCondaMeta(CONDA);
  const d = await condaDigests(CONDA);
  const { arch: _a, platform: _p, ...kept } = meta.index;
  const record = { ...kept, md5: d.md5, sha256: d.sha256, size: d.size };
  const repodata = JSON.parse(text);
  t.deepEqual(repodata['packages.conda']['distseal-demo-1.0.0-py_0.conda'], record);
  t.truthy(repodata.packages['distseal-demo-1.0.0-py_0.tar.bz2']);
  t.deepEqual(repodata.info, { subdir: 'noarch' });
  t.is(repodata.repodata_version, 1);
  t.deepEqual(repodata.removed, []);
  // conda-index's compact form: sorted keys, no spaces.
  t.true(
    text.startsWith(
      '{"info":{"subdir":"noarch"},"packages":{"distseal-demo-1.0.0-py_0.tar.bz2":{"build":"py_0","build_number":0,',
    ),
  );
  const v = await cli(home, ['channel', 'verify', channel, '--keyring', PUBLIC_KEY]);
  t.is(v.code, 0, v.stdout + v.stderr);
  t.regex(v.stdout, /VERIFIED \(5 checks in linux-64, noarch\)/);
});

// nobody keeps CAP_DAC_READ_SEARCH (read and search anywhere, write nowhere it may not), so the
// checkout and node can be wherever CI cloned them (a 0700 /root included) while the
// read-only channel still refuses the write.
const NOBODY = [
  '--reuid=65534',
  '--regid=65534',
  '--clear-groups',
  '--inh-caps=+dac_read_search',
  '--ambient-caps=+dac_read_search',
];

/**
 * As root, permissions do not apply, so the CLI runs as nobody (setpriv), who must be able to
 * reach node, the CLI and the temp directory; when it cannot, the test is skipped visibly (a
 * failure under DISTSEAL_REQUIRE_PEERS=1), never counted as a pass.
 */
function nobodyCanRun(): { ok: boolean; why: string } {
  if (process.getuid?.() !== 0 || !havePeer('setpriv')) return { ok: true, why: '' };
  const probe = `const fs = require('fs'); fs.accessSync(${JSON.stringify(BIN)}, fs.constants.R_OK); fs.accessSync(${JSON.stringify(os.tmpdir())}, fs.constants.X_OK);`;
  const r = spawnSync('setpriv', [...NOBODY, process.execPath, '-e', probe], { stdio: 'ignore' });
  return { ok: r.status === 0, why: `user nobody cannot reach ${BIN} or ${os.tmpdir()}` };
}

const readOnlyTest = process.getuid?.() === 0 ? peerTest(['setpriv'], nobodyCanRun()) : test;

readOnlyTest('a read-only channel directory: exit 1, a clear message, nothing changed', async (t) => {
  const channel = path.join(root, 'c6');
  t.is((await cli(home, ['channel', 'add', channel, CONDA])).code, 0);
  const before = await readFile(path.join(channel, 'noarch', 'repodata.json'), 'utf8');
  await chmod(path.join(channel, 'noarch'), 0o555);
  await chmod(channel, 0o555);
  try {
    let code: number | null;
    let stderr: string;
    if (process.getuid?.() === 0) {
      // root ignores permissions: run the CLI as nobody (it can read the package but not write the channel).
      await chmod(root, 0o755);
      const r = spawnSync(
        'setpriv',
        [
          ...NOBODY,
          process.execPath,
          BIN,
          '--home',
          path.join(root, 'nobody-home'),
          'channel',
          'add',
          channel,
          BZ2,
        ],
        { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: '/nonexistent' } },
      );
      code = r.status;
      stderr = r.stderr;
    } else {
      const r = await cli(home, ['channel', 'add', channel, BZ2]);
      code = r.code;
      stderr = r.stderr;
    }
    t.is(code, 1, stderr);
    t.regex(stderr, /permission denied/);
    t.is(await readFile(path.join(channel, 'noarch', 'repodata.json'), 'utf8'), before);
    await t.throwsAsync(stat(path.join(channel, 'noarch', path.basename(BZ2))));
  } finally {
    await chmod(channel, 0o755);
    await chmod(path.join(channel, 'noarch'), 0o755);
    await chmod(root, 0o700);
  }
});

test('no passphrase or a wrong one: exit 2 and nothing is written to the channel', async (t) => {
  const channel = path.join(root, 'c8');
  const none = await cli(home, ['channel', 'add', channel, CONDA], {
    env: { DISTSEAL_PASSPHRASE: undefined },
  });
  t.is(none.code, 2, none.stderr);
  t.regex(none.stderr, /DISTSEAL_PASSPHRASE/);
  const wrong = await cli(home, ['channel', 'add', channel, CONDA], {
    env: { DISTSEAL_PASSPHRASE: 'not-it' },
  });
  t.is(wrong.code, 2, wrong.stderr);
  await t.throwsAsync(stat(path.join(channel, 'noarch', path.basename(CONDA))));
  await t.throwsAsync(stat(path.join(channel, 'noarch', 'repodata.json')));
});
