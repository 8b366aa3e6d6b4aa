import { spawnSync } from 'node:child_process';
import { chmod, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { condaDigests } from '../../src/core/dist/conda/digests.js';
import { readCondaMeta } from '../../src/core/dist/conda/read.js';
import { BIN, tempDir } from '../helpers/cli.js';
import { BZ2, cli, CONDA, copies, homeWithKey, PUBLIC_KEY, TINY } from './helpers.js';

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
  for (const f of ['noarch/distseal-demo-1.0.0-py_0.conda', 'noarch/distseal-demo-1.0.0-py_0.tar.bz2', 'linux-64/tinylib-0.1-h0_1.conda']) {
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
  t.true(text.startsWith('{"info":{"subdir":"noarch"},"packages":{"distseal-demo-1.0.0-py_0.tar.bz2":{"build":"py_0","build_number":0,'));
  const v = await cli(home, ['channel', 'verify', channel, '--keyring', PUBLIC_KEY]);
  t.is(v.code, 0, v.stdout + v.stderr);
  t.regex(v.stdout, /VERIFIED \(5 checks in linux-64, noarch\)/);
});

test('noarch/repodata.json is always present; the same file twice is a no-op', async (t) => {
  const channel = path.join(root, 'c2');
  t.is((await cli(home, ['channel', 'add', channel, TINY])).code, 0);
  const noarch = JSON.parse(await readFile(path.join(channel, 'noarch', 'repodata.json'), 'utf8'));
  t.deepEqual(noarch.packages, {});
  await stat(path.join(channel, 'noarch', 'repodata.json.asc'));
  const before = await readFile(path.join(channel, 'linux-64', 'repodata.json.asc'), 'utf8');
  const again = await cli(home, ['--json', 'channel', 'add', channel, TINY]);
  t.is(again.code, 0, again.stderr);
  const out = JSON.parse(again.stdout);
  t.is(out.results[0].status, 'unchanged');
  t.deepEqual(out.repodata, []);
  t.is(await readFile(path.join(channel, 'linux-64', 'repodata.json.asc'), 'utf8'), before, 'nothing re-signed');
});

test('a different file with the same name is refused without --force, and the channel is untouched', async (t) => {
  const channel = path.join(root, 'c3');
  t.is((await cli(home, ['channel', 'add', channel, CONDA])).code, 0);
  const [other] = await copies(path.join(root, 'other3'), [CONDA]);
  // Same name, different bytes: change metadata.json's version digit (a STORED member; the metadata is unchanged).
  const bytes = await readFile(CONDA);
  const at = bytes.indexOf('"conda_pkg_format_version": 2');
  t.true(at > 0);
  bytes[at + '"conda_pkg_format_version": '.length] = '3'.charCodeAt(0);
  await writeFile(other!, bytes);
  const repodataBefore = await readFile(path.join(channel, 'noarch', 'repodata.json'), 'utf8');
  const refused = await cli(home, ['channel', 'add', channel, other!]);
  t.is(refused.code, 1);
  t.regex(refused.stderr, /already exists with different contents/);
  t.regex(refused.stderr, /--force/);
  t.deepEqual(await readFile(path.join(channel, 'noarch', path.basename(CONDA))), await readFile(CONDA));
  t.is(await readFile(path.join(channel, 'noarch', 'repodata.json'), 'utf8'), repodataBefore);
  const forced = await cli(home, ['channel', 'add', channel, other!, '--force']);
  t.is(forced.code, 0, forced.stderr);
  const record = JSON.parse(await readFile(path.join(channel, 'noarch', 'repodata.json'), 'utf8'))['packages.conda'][path.basename(CONDA)];
  t.is(record.sha256, (await condaDigests(other!)).sha256);
  t.is((await cli(home, ['channel', 'verify', channel, '--keyring', PUBLIC_KEY])).code, 0);
});

test('a corrupt repodata.json is refused (exit 2, file kept) and --rebuild repairs it', async (t) => {
  const channel = path.join(root, 'c4');
  t.is((await cli(home, ['channel', 'add', channel, CONDA])).code, 0);
  const file = path.join(channel, 'noarch', 'repodata.json');
  await writeFile(file, '{"packages": [oops');
  const r = await cli(home, ['channel', 'add', channel, BZ2]);
  t.is(r.code, 2);
  t.regex(r.stderr, /repodata\.json is damaged/);
  t.regex(r.stderr, /--rebuild/);
  t.is(await readFile(file, 'utf8'), '{"packages": [oops');
  const fixed = await cli(home, ['channel', 'add', channel, BZ2, '--rebuild']);
  t.is(fixed.code, 0, fixed.stderr);
  const repodata = JSON.parse(await readFile(file, 'utf8'));
  t.truthy(repodata['packages.conda'][path.basename(CONDA)]);
  t.truthy(repodata.packages[path.basename(BZ2)]);
  t.is((await cli(home, ['channel', 'verify', channel, '--keyring', PUBLIC_KEY])).code, 0);
});

test('bad packages change nothing: renamed file, not a zip', async (t) => {
  const channel = path.join(root, 'c5');
  const dir = path.join(root, 'bad5');
  const [renamed] = await copies(dir, [BZ2]);
  const moved = path.join(dir, 'distseal-demo-2.0-py_0.tar.bz2');
  await writeFile(moved, await readFile(renamed!));
  const r = await cli(home, ['channel', 'add', channel, moved]);
  t.is(r.code, 2);
  t.regex(r.stderr, /renamed file/);
  const notZip = path.join(dir, 'junk-1.0-0.conda');
  await writeFile(notZip, 'this is not a zip');
  const z = await cli(home, ['channel', 'add', channel, CONDA, notZip]);
  t.is(z.code, 2);
  t.regex(z.stderr, /junk-1\.0-0\.conda is not a \.conda package/);
  await t.throwsAsync(stat(channel), undefined, 'the channel was never created');
});

test('a read-only channel directory: exit 1, a clear message, nothing changed', async (t) => {
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
      await chmod(path.dirname(root), 0o1777).catch(() => undefined);
      const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, '--home', path.join(root, 'nobody-home'), 'channel', 'add', channel, BZ2], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: '/nonexistent' } });
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

test('dry run reads and checks but creates nothing', async (t) => {
  const channel = path.join(root, 'c7');
  const r = await cli(home, ['--json', 'channel', 'add', channel, CONDA, '--dry-run']);
  t.is(r.code, 0, r.stderr);
  t.is(JSON.parse(r.stdout).results[0].status, 'would-add');
  await t.throwsAsync(stat(channel));
  await rm(channel, { recursive: true, force: true });
});

test('no passphrase or a wrong one: exit 2 and nothing is written to the channel', async (t) => {
  const channel = path.join(root, 'c8');
  const none = await cli(home, ['channel', 'add', channel, CONDA], { env: { DISTSEAL_PASSPHRASE: undefined } });
  t.is(none.code, 2, none.stderr);
  t.regex(none.stderr, /DISTSEAL_PASSPHRASE/);
  const wrong = await cli(home, ['channel', 'add', channel, CONDA], { env: { DISTSEAL_PASSPHRASE: 'not-it' } });
  t.is(wrong.code, 2, wrong.stderr);
  await t.throwsAsync(stat(path.join(channel, 'noarch', path.basename(CONDA))));
  await t.throwsAsync(stat(path.join(channel, 'noarch', 'repodata.json')));
});
