/**
 * Issue 10 C: an sdist's memory does not grow with its PKG-INFO members. Only a PKG-INFO that
 * can still be the root one is held; nested ones (vendored packages, fixtures) are dropped.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { readDist } from '../../src/core/distributions/read-dist.js';
import { field } from '../../src/core/distributions/python/metadata.js';
import { PkgInfoCandidates } from '../../src/core/distributions/python/pkg-info.js';
import { metadataText } from '../helpers/bad-dists.js';
import { tempDir } from '../helpers/cli.js';
import { writeTarGz, type TarMember } from './tar-writer.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pkg-info-child.js');
const ROOT_META = metadataText(
  { 'Metadata-Version': '2.1', Name: 'nested', Version: '1.0', Summary: 's' },
  'the root one\n',
);

/** A PKG-INFO of `size` bytes: headers, then a 16 KiB pseudo-random block repeated (gzip ratio ~80). */
function bigPkgInfo(size: number, seed: number): Buffer {
  const head = Buffer.from(
    metadataText({ 'Metadata-Version': '2.1', Name: `vendored${seed}`, Version: '0' }),
  );
  const block = Buffer.alloc(16 * 1024);
  let x = seed * 2654435761;
  for (let i = 0; i < block.length; i += 1) {
    x = (x * 1103515245 + 12345) >>> 0;
    block[i] = 97 + ((x >>> 16) % 26);
  }
  const out = Buffer.alloc(size);
  head.copy(out);
  for (let at = head.length; at < size; at += block.length) block.copy(out, at);
  return out;
}

function* members(count: number, size: number): Generator<TarMember> {
  yield { name: 'nested-1.0/PKG-INFO', data: ROOT_META };
  yield { name: 'nested-1.0/setup.py', data: 'from setuptools import setup\nsetup()\n' };
  for (let i = 0; i < count; i += 1)
    yield { name: `nested-1.0/vendor/p${i}/PKG-INFO`, size, fill: (n) => bigPkgInfo(n, i + 1) };
}

test('only the PKG-INFO that can still be the root one is held', (t) => {
  const c = new PkgInfoCandidates();
  const names = ['x-1.0/PKG-INFO', ...Array.from({ length: 130 }, (_, i) => `x-1.0/v${i}/PKG-INFO`)];
  for (const name of names) {
    c.see(name);
    if (c.wants(name)) c.keep(name, Buffer.from(name));
    t.true(c.size <= 2);
  }
  t.is(c.get('x-1.0/PKG-INFO')?.toString(), 'x-1.0/PKG-INFO');
  t.is(c.size, 1);
  // A root PKG-INFO seen before the common path shrank to its directory is still kept.
  const d = new PkgInfoCandidates();
  for (const name of ['a/b/PKG-INFO', 'a/b/c/PKG-INFO', 'a/b/setup.py']) {
    d.see(name);
    if (d.wants(name)) d.keep(name, Buffer.from(name));
  }
  t.truthy(d.get('a/b/PKG-INFO'));
  t.falsy(d.get('a/b/c/PKG-INFO'));
});

test('an sdist with 130 nested PKG-INFO reads the root one', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const file = path.join(dir, 'nested-1.0.tar.gz');
  await writeTarGz(file, members(130, 4096));
  const dist = await readDist(file);
  t.is(dist.ecosystem === 'python' ? dist.metadataMember : '', 'nested-1.0/PKG-INFO');
  t.is(dist.ecosystem === 'python' ? field(dist.metadata, 'name') : '', 'nested');
});

test('check over 60 nested 4 MB PKG-INFO files keeps memory flat (under 150 MB)', async (t) => {
  t.timeout(180_000);
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const file = path.join(dir, 'nested-1.0.tar.gz');
  await writeTarGz(file, members(60, 4 * 1024 * 1024));
  const r = spawnSync(process.execPath, [CHILD, file], { encoding: 'utf8', timeout: 170_000 });
  t.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { name: string; maxRssKiB: number };
  t.is(out.name, 'nested');
  const mb = out.maxRssKiB / 1024;
  t.log(`peak RSS ${mb.toFixed(0)} MB for 60 x 4 MB nested PKG-INFO`);
  t.true(mb < 150, `peak RSS ${mb.toFixed(0)} MB`);
});
