/**
 * Issue 10 D and E: duplicate zip member names are refused (distseal would read one copy, pip
 * and Warehouse the other), and link members whose targets are absolute or leave the archive
 * are reported in sdists, wheels and conda packages.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { openZip, unsafeLinkTarget } from '../../src/core/archive/index.js';
import { checkDist } from '../../src/core/distributions/check.js';
import { readDist } from '../../src/core/distributions/read-dist.js';
import { metadataText } from '../helpers/bad-dists.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { peerTest } from '../helpers/peers.js';
import { makeZip, type ZipMember } from '../helpers/zip-writer.js';
import { indexJson } from '../conda/make.js';
import { writeTarBz2, writeTarGz } from './tar-writer.js';

const META = metadataText(
  {
    'Metadata-Version': '2.1',
    Name: 'x',
    Version: '1.0',
    Summary: 's',
    'Description-Content-Type': 'text/markdown',
  },
  '# x\n',
);
const wheel = (extra: ZipMember[]): Buffer =>
  makeZip([
    { name: 'x-1.0.dist-info/METADATA', data: META },
    { name: 'x-1.0.dist-info/WHEEL', data: 'Wheel-Version: 1.0\n' },
    ...extra,
  ]);

let dir = '';
let cleanup: () => Promise<void> = async () => undefined;
test.before(async () => {
  ({ dir, cleanup } = await tempDir());
});
test.after.always(() => cleanup());

/** A fresh sub-directory per test: tests run concurrently and reuse dist names. */
async function sub(name: string): Promise<string> {
  const d = path.join(dir, name);
  await mkdir(d, { recursive: true });
  return d;
}

test('a wheel with a second METADATA is refused, naming the member', async (t) => {
  const file = path.join(await sub('dup'), 'x-1.0-py3-none-any.whl');
  await writeFile(file, wheel([{ name: 'x-1.0.dist-info/METADATA', data: `${META}Requires-Dist: evil\n` }]));
  const e = await t.throwsAsync(readDist(file));
  t.is((e as { code?: string }).code, 'E_ARCHIVE_DUPLICATE');
  t.regex(e!.message, /two members named x-1\.0\.dist-info\/METADATA/);
  t.true(e!.message.includes(file));
  const r = await runCli(['--home', path.join(dir, 'home'), 'check', file]);
  t.is(r.code, 2, r.stdout + r.stderr);
  t.regex(r.stdout, /UNREADABLE[\s\S]*two members named/);
});

test('a zip sdist with a second __init__.py, and any zip read by openZip, is refused', async (t) => {
  const file = path.join(dir, 'x-1.0.zip');
  await writeFile(
    file,
    makeZip([
      { name: 'x-1.0/PKG-INFO', data: META },
      { name: 'x-1.0/x/__init__.py', data: '' },
      { name: 'x-1.0/x/__init__.py', data: 'KEY = "..."\n' },
    ]),
  );
  const e = await t.throwsAsync(readDist(file));
  t.is((e as { code?: string }).code, 'E_ARCHIVE_DUPLICATE');
  t.regex(e!.message, /x-1\.0\/x\/__init__\.py/);
  await t.throwsAsync(openZip(file), { code: 'E_ARCHIVE_DUPLICATE' } as never);
});

test('unsafe link targets: absolute and escaping are flagged, inside ones are not', (t) => {
  t.regex(unsafeLinkTarget('p/shadow', '/etc/shadow', 'symlink')!, /absolute path \/etc\/shadow/);
  t.regex(unsafeLinkTarget('p/up', '../../..', 'symlink')!, /outside the archive/);
  t.regex(unsafeLinkTarget('p/a/b', '../../../x', 'symlink')!, /outside/);
  t.is(unsafeLinkTarget('p/a/b', '../c', 'symlink'), undefined);
  t.is(unsafeLinkTarget('lib/libz.so', 'libz.so.1', 'symlink'), undefined);
  t.regex(unsafeLinkTarget('p/h', '../x', 'hardlink')!, /hard link.*outside/);
  t.is(unsafeLinkTarget('p/h', 'p/setup.py', 'hardlink'), undefined);
  t.regex(unsafeLinkTarget('p/w', 'C:\\Windows', 'symlink')!, /absolute/);
});

function linkFindings(findings: Array<{ rule: string; member?: string }>): string[] {
  return findings
    .filter((f) => f.rule === 'unsafe-link')
    .map((f) => f.member!)
    .sort();
}

test('sdist: symlinks and hard links out of the archive are reported', async (t) => {
  const file = path.join(dir, 'links-1.0.tar.gz');
  await writeTarGz(file, [
    { name: 'links-1.0/PKG-INFO', data: META.replace('Name: x', 'Name: links') },
    { name: 'links-1.0/setup.py', data: '' },
    { name: 'links-1.0/shadow', symlink: '/etc/shadow' },
    { name: 'links-1.0/up', symlink: '../../..' },
    { name: 'links-1.0/passwd', hardlink: '/etc/passwd' },
    { name: 'links-1.0/ok', symlink: 'setup.py' },
    { name: 'links-1.0/ok-hard', hardlink: 'links-1.0/setup.py' },
  ]);
  const report = await checkDist(file);
  t.deepEqual(linkFindings(report.findings), ['links-1.0/passwd', 'links-1.0/shadow', 'links-1.0/up']);
  t.true(report.findings.some((f) => f.rule === 'unsafe-link' && /\/etc\/shadow/.test(f.message)));
});

test('wheel: zip symlinks (Unix mode in the external attributes) out of the archive are reported', async (t) => {
  const file = path.join(await sub('links'), 'x-1.0-py3-none-any.whl');
  await writeFile(
    file,
    wheel([
      { name: 'x/__init__.py', data: '' },
      { name: 'x/shadow', data: '/etc/shadow', unixMode: 0o120777, method: 'stored' },
      { name: 'x/up', data: '../../..', unixMode: 0o120777, method: 'stored' },
      { name: 'x/ok', data: '__init__.py', unixMode: 0o120777, method: 'stored' },
      { name: 'x/plain.txt', data: '/etc/shadow', unixMode: 0o100644 },
    ]),
  );
  const report = await checkDist(file);
  t.deepEqual(linkFindings(report.findings), ['x/shadow', 'x/up']);
});

peerTest(['bzip2'])('conda: symlinks and hard links out of the package are reported', async (t) => {
  const file = path.join(dir, 'links-1.0-0.tar.bz2');
  await writeTarBz2(file, [
    { name: 'info/index.json', data: indexJson({ name: 'links', build: '0' }) },
    { name: 'info/about.json', data: '{"summary":"s"}' },
    { name: 'lib/libz.so.1', data: 'elf' },
    { name: 'lib/libz.so', symlink: 'libz.so.1' },
    { name: 'etc/shadow', symlink: '/etc/shadow' },
    { name: 'share/up', symlink: '../../../..' },
    { name: 'bin/hard', hardlink: '../outside' },
  ]);
  const report = await checkDist(file);
  t.deepEqual(linkFindings(report.findings), ['bin/hard', 'etc/shadow', 'share/up']);
});
