import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { checkCondaPackage } from '../../src/core/distributions/conda/check.js';
import { readCondaMeta } from '../../src/core/distributions/conda/read.js';
import { FIXTURES, tempDir } from '../helpers/cli.js';
import { peerTest } from '../helpers/peers.js';
import { bzip2, indexJson, tarOf, writeConda } from './make.js';

const withTools = peerTest(['zstd', 'bzip2']);
const codeOf = (e: unknown) => (e as { code?: string }).code;
const kindOf = (e: unknown) => (e as { kind?: string }).kind;

let root = '';
let cleanup: () => Promise<void> = async () => undefined;
test.before(async () => ({ dir: root, cleanup } = await tempDir()));
test.after.always(() => cleanup());

test('reads index.json and about.json from cph-made .conda and .tar.bz2', async (t) => {
  for (const f of ['distseal-demo-1.0.0-py_0.conda', 'distseal-demo-1.0.0-py_0.tar.bz2']) {
    const meta = await readCondaMeta(path.join(FIXTURES, 'conda', f));
    t.is(meta.index.name, 'distseal-demo');
    t.is(meta.index.subdir, 'noarch');
    t.is(meta.about.summary, 'A tiny distseal-demo package for distseal tests');
    t.is(meta.renamedFrom, undefined);
  }
});

test('a .conda that is not a zip: input error naming the file', async (t) => {
  const file = path.join(root, 'nozip-1.0-0.conda');
  await writeFile(file, 'PK but not really');
  const e = await t.throwsAsync(readCondaMeta(file));
  t.is(codeOf(e), 'E_CONDA_NOT_ZIP');
  t.is(kindOf(e), 'input');
  t.true(e!.message.includes(file));
});

withTools('a .conda without info-*.tar.zst is refused', async (t) => {
  const file = path.join(root, 'noinfo-1.0-0.conda');
  await writeConda(file, 'noinfo-1.0-0', null);
  const e = await t.throwsAsync(readCondaMeta(file));
  t.is(codeOf(e), 'E_CONDA_NO_COMPONENT');
  t.regex(e!.message, /no info-\*\.tar\.zst/);
});

withTools('a zstd bomb in the info tarball is refused without exhausting memory', async (t) => {
  const file = path.join(root, 'bomb-1.0-0.conda');
  await writeConda(file, 'bomb-1.0-0', [
    { name: 'info/zeros.bin', data: Buffer.alloc(64 << 20) },
    { name: 'info/index.json', data: indexJson({ name: 'bomb' }) },
  ]);
  t.true((await readFile(file)).length < 200_000, 'the bomb is small on disk');
  const e = await t.throwsAsync(readCondaMeta(file));
  t.is(codeOf(e), 'E_ARCHIVE_BOMB');
});

withTools('a bzip2 bomb in a .tar.bz2 is refused', async (t) => {
  const file = path.join(root, 'bomb-1.0-0.tar.bz2');
  await writeFile(
    file,
    bzip2(
      await tarOf([
        { name: 'info/zeros.bin', data: Buffer.alloc(64 << 20) },
        { name: 'info/index.json', data: indexJson() },
      ]),
    ),
  );
  const e = await t.throwsAsync(readCondaMeta(file));
  t.is(codeOf(e), 'E_ARCHIVE_BOMB');
});

test('a truncated .tar.bz2 is an input error naming the file', async (t) => {
  const bytes = await readFile(path.join(FIXTURES, 'conda', 'distseal-demo-1.0.0-py_0.tar.bz2'));
  const file = path.join(root, 'distseal-demo-1.0.0-py_0.tar.bz2');
  await writeFile(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
  const e = await t.throwsAsync(readCondaMeta(file));
  t.is(kindOf(e), 'input');
  t.is(codeOf(e), 'E_ARCHIVE_CORRUPT');
  t.true(e!.message.includes('distseal-demo-1.0.0-py_0.tar.bz2'));
});

withTools('index.json missing or malformed', async (t) => {
  const missing = path.join(root, 'noidx-1.0-0.conda');
  await writeConda(missing, 'noidx-1.0-0', [{ name: 'info/about.json', data: '{}' }]);
  t.is(codeOf(await t.throwsAsync(readCondaMeta(missing))), 'E_CONDA_NO_INDEX');
  const bad = path.join(root, 'badidx-1.0-0.conda');
  await writeConda(bad, 'badidx-1.0-0', [{ name: 'info/index.json', data: '{"name": "badidx",' }]);
  const e = await t.throwsAsync(readCondaMeta(bad));
  t.is(codeOf(e), 'E_CONDA_INDEX_JSON');
  t.regex(e!.message, /not valid JSON/);
});

withTools(
  'check reports a filename that disagrees with index.json, a missing subdir, and leaks',
  async (t) => {
    const file = path.join(root, 'pkg-2.0-h0_0.conda');
    await writeConda(
      file,
      'pkg-2.0-h0_0',
      [
        { name: 'info/index.json', data: indexJson({ subdir: undefined }) },
        { name: 'info/about.json', data: '{"summary":"s"}' },
      ],
      [
        { name: 'share/pkg/.pypirc', data: '[pypi]\npassword = x\n' },
        { name: 'share/pkg/key.pem', data: '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n' },
      ],
    );
    const report = await checkCondaPackage(file, {});
    const rules = report.findings.map((f) => f.rule);
    t.true(rules.includes('conda-filename-mismatch'));
    t.true(rules.includes('conda-subdir-missing'));
    t.true(rules.includes('leak-pypirc'));
    t.true(rules.includes('leak-ssh-private-key'));
    t.is(report.findings.find((f) => f.rule === 'leak-pypirc')!.member, 'share/pkg/.pypirc');
  },
);

withTools('a renamed .conda is reported (its info component keeps the old stem)', async (t) => {
  const file = path.join(root, 'pkg-1.0-h0_9.conda');
  await writeConda(file, 'pkg-1.0-h0_0', [{ name: 'info/index.json', data: indexJson() }]);
  const meta = await readCondaMeta(file);
  t.is(meta.renamedFrom, 'pkg-1.0-h0_0');
  const report = await checkCondaPackage(file, {});
  t.true(
    report.findings.some(
      (f) => f.rule === 'conda-filename-mismatch' && /renamed from pkg-1\.0-h0_0\.conda/.test(f.message),
    ),
  );
});

test('check passes the cph-made fixtures', async (t) => {
  for (const f of [
    'distseal-demo-1.0.0-py_0.conda',
    'distseal-demo-1.0.0-py_0.tar.bz2',
    'tinylib-0.1-h0_1.conda',
  ]) {
    const report = await checkCondaPackage(path.join(FIXTURES, 'conda', f), {});
    t.deepEqual(report.findings, [], f);
    t.is(report.kind, f.endsWith('.conda') ? 'conda' : 'tar.bz2');
  }
});
