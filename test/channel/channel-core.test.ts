import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { addToChannel } from '../../src/core/channel/add.js';
import { readSubdirRepodata } from '../../src/core/channel/store.js';
import { verifyChannel } from '../../src/core/channel/verify.js';
import { condaDigests } from '../../src/core/distributions/conda/digests.js';
import { tempDir } from '../helpers/cli.js';
import { exampleKeys } from './example-key.js';
import { BZ2, CONDA, copies, TINY } from './helpers.js';

let root = '';
let cleanup: () => Promise<void> = async () => undefined;
let keys: Awaited<ReturnType<typeof exampleKeys>>;
test.before(async () => {
  ({ dir: root, cleanup } = await tempDir());
  keys = await exampleKeys();
});
test.after.always(() => cleanup());

const add = (channel: string, files: string[], extra: Partial<Parameters<typeof addToChannel>[0]> = {}) =>
  addToChannel({ channel, files, sign: keys.sign, ...extra });
const verify = (channel: string) => verifyChannel({ channel, keys: keys.publicKeys });
const codeOf = (e: unknown) => (e as { code?: string }).code;
const kindOf = (e: unknown) => (e as { kind?: string }).kind;

test('noarch/repodata.json is always present; the same file twice is a no-op (nothing re-signed)', async (t) => {
  const channel = path.join(root, 'c2');
  await add(channel, [TINY]);
  const noarch = JSON.parse(await readFile(path.join(channel, 'noarch', 'repodata.json'), 'utf8'));
  t.deepEqual(noarch.packages, {});
  t.deepEqual(noarch['packages.conda'], {});
  await stat(path.join(channel, 'noarch', 'repodata.json.asc'));
  const before = await readFile(path.join(channel, 'linux-64', 'repodata.json.asc'), 'utf8');
  let prepared = 0;
  const again = await add(channel, [TINY, TINY], { prepare: async () => void (prepared += 1) });
  t.deepEqual(
    again.results.map((r) => [r.status, r.signature]),
    [['unchanged', 'kept']],
  );
  t.deepEqual(again.repodata, []);
  t.is(prepared, 0, 'the key is not even unlocked');
  t.is(await readFile(path.join(channel, 'linux-64', 'repodata.json.asc'), 'utf8'), before);
  t.true((await verify(channel)).verified);
});

test('a different file with the same name is refused without force (nothing changed), replaced with force', async (t) => {
  const channel = path.join(root, 'c3');
  await add(channel, [CONDA]);
  const [other] = await copies(path.join(root, 'other3'), [CONDA]);
  // Same name, different bytes: change metadata.json's version digit (a STORED member; the metadata is unchanged).
  const bytes = await readFile(CONDA);
  const at = bytes.indexOf('"conda_pkg_format_version": 2');
  t.true(at > 0);
  bytes[at + '"conda_pkg_format_version": '.length] = '3'.charCodeAt(0);
  await writeFile(other!, bytes);
  const repodataBefore = await readFile(path.join(channel, 'noarch', 'repodata.json'), 'utf8');
  const e = await t.throwsAsync(add(channel, [BZ2, other!]));
  t.is(codeOf(e), 'E_CHANNEL_EXISTS');
  t.is(kindOf(e), 'operational');
  t.regex((e as { hint?: string }).hint!, /--force/);
  t.deepEqual(await readFile(path.join(channel, 'noarch', path.basename(CONDA))), await readFile(CONDA));
  t.is(await readFile(path.join(channel, 'noarch', 'repodata.json'), 'utf8'), repodataBefore);
  await t.throwsAsync(
    stat(path.join(channel, 'noarch', path.basename(BZ2))),
    undefined,
    'the other file of the batch was not added either',
  );
  const forced = await add(channel, [other!], { force: true });
  t.is(forced.results[0]!.status, 'replaced');
  const record = JSON.parse(await readFile(path.join(channel, 'noarch', 'repodata.json'), 'utf8'))[
    'packages.conda'
  ][path.basename(CONDA)];
  t.is(record.sha256, (await condaDigests(other!)).sha256);
  t.true((await verify(channel)).verified);
});

test('a corrupt repodata.json is refused (input error, file kept) and rebuild repairs it', async (t) => {
  const channel = path.join(root, 'c4');
  await add(channel, [CONDA]);
  const file = path.join(channel, 'noarch', 'repodata.json');
  await writeFile(file, '{"packages": [oops');
  const e = await t.throwsAsync(add(channel, [BZ2]));
  t.is(codeOf(e), 'E_REPODATA_CORRUPT');
  t.is(kindOf(e), 'input');
  t.regex(e!.message, /repodata\.json is damaged/);
  t.regex((e as { hint?: string }).hint!, /--rebuild/);
  t.is(await readFile(file, 'utf8'), '{"packages": [oops');
  await add(channel, [BZ2], { rebuild: true });
  const repodata = JSON.parse(await readFile(file, 'utf8'));
  t.truthy(repodata['packages.conda'][path.basename(CONDA)]);
  t.truthy(repodata.packages[path.basename(BZ2)]);
  t.true((await verify(channel)).verified);
  // --rebuild with no files repairs every subdir on disk, not only noarch.
  await add(channel, [TINY]);
  const linux = path.join(channel, 'linux-64', 'repodata.json');
  await writeFile(linux, 'garbage');
  await add(channel, [], { rebuild: true });
  t.truthy(JSON.parse(await readFile(linux, 'utf8'))['packages.conda']['tinylib-0.1-h0_1.conda']);
  t.true((await verify(channel)).verified);
});

test('bad packages change nothing: a renamed file, not a zip', async (t) => {
  const channel = path.join(root, 'c5');
  const dir = path.join(root, 'bad5');
  const [src] = await copies(dir, [BZ2]);
  const moved = path.join(dir, 'distseal-demo-2.0-py_0.tar.bz2');
  await writeFile(moved, await readFile(src!));
  const renamed = await t.throwsAsync(add(channel, [moved]));
  t.is(codeOf(renamed), 'E_CONDA_FILENAME');
  t.regex(renamed!.message, /renamed file/);
  const notZip = path.join(dir, 'junk-1.0-0.conda');
  await writeFile(notZip, 'this is not a zip');
  const z = await t.throwsAsync(add(channel, [CONDA, notZip]));
  t.is(codeOf(z), 'E_CONDA_NOT_ZIP');
  t.true(z!.message.includes('junk-1.0-0.conda'));
  await t.throwsAsync(stat(channel), undefined, 'the channel was never created');
});

test('dry run reads and checks but creates nothing', async (t) => {
  const channel = path.join(root, 'c7');
  const report = await add(channel, [CONDA], { dryRun: true });
  t.is(report.results[0]!.status, 'would-add');
  await t.throwsAsync(stat(channel));
});

test('a package with its own .asc keeps that signature; re-adding keeps what the channel has', async (t) => {
  const channel = path.join(root, 'c9');
  const [file] = await copies(path.join(root, 'src9'), [BZ2]);
  const armored = await keys.sign(file!);
  await writeFile(`${file}.asc`, armored);
  const first = await add(channel, [file!]);
  t.is(first.results[0]!.signature, 'copied');
  t.is(await readFile(path.join(channel, 'noarch', `${path.basename(BZ2)}.asc`), 'utf8'), armored);
  await writeFile(`${file}.asc`, 'a different signature file');
  const again = await add(channel, [file!]);
  t.is(again.results[0]!.signature, 'kept');
  t.is(await readFile(path.join(channel, 'noarch', `${path.basename(BZ2)}.asc`), 'utf8'), armored);
  t.true((await verify(channel)).verified);
});

test('a local repodata.json is read within its limit: channel add and channel verify refuse one over it', async (t) => {
  const channel = path.join(root, 'c-limit');
  await add(channel, [CONDA]);
  const size = (await stat(path.join(channel, 'noarch', 'repodata.json'))).size;
  const e = await t.throwsAsync(readSubdirRepodata(channel, 'noarch', size - 1));
  t.is(codeOf(e), 'E_TOO_LARGE');
  t.regex(e!.message, /repodata\.json is larger than/);
  t.is((await readSubdirRepodata(channel, 'noarch', size)).existed, true);
  const report = await verifyChannel({ channel, keys: keys.publicKeys, maxRepodataBytes: size - 1 });
  t.false(report.verified);
  const entry = report.entries.find((x) => x.path === 'noarch/repodata.json')!;
  t.is(entry.problems.at(-1)?.code, 'E_TOO_LARGE');
  t.true((await verifyChannel({ channel, keys: keys.publicKeys, maxRepodataBytes: size })).verified);
});
