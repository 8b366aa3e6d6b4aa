import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import test from 'ava';
import tarStream from 'tar-stream';
import {
  decompress,
  openZip,
  unsafeMemberName,
  walkTar,
  type CompressionFormat,
} from '../../src/core/archive/index.js';
import { tempDir } from '../helpers/cli.js';
import { peerTest } from '../helpers/peers.js';
import { makeOverlappingZip, makeZip } from '../helpers/zip-writer.js';

async function makeTar(members: Array<{ name: string; data: string | Buffer }>): Promise<Buffer> {
  const pack = tarStream.pack();
  for (const m of members)
    pack.entry({ name: m.name }, Buffer.isBuffer(m.data) ? m.data : Buffer.from(m.data));
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

test('a zip lists its members and reads them, stored and deflated', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const file = path.join(dir, 'a.zip');
  await writeFile(
    file,
    makeZip([
      { name: 'a/METADATA', data: 'Name: x\n' },
      { name: 'b.bin', data: Buffer.alloc(5000, 7), method: 'stored' },
    ]),
  );
  const zip = await openZip(file);
  t.deepEqual(
    zip.entries.map((e) => e.name),
    ['a/METADATA', 'b.bin'],
  );
  t.is((await zip.readEntry('a/METADATA')).toString(), 'Name: x\n');
  t.is((await drain(await zip.openEntry('b.bin'))).length, 5000);
  await t.throwsAsync(zip.readEntry('b.bin', 100), { message: /expands past 100 bytes|declares 5000 bytes/ });
  await t.throwsAsync(zip.readEntry('missing'), { message: /has no member missing/ });
  await zip.close();
});

test('a zip member is read whole only up to the limit (declared size), and a liar is caught', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const big = path.join(dir, 'big.zip');
  await writeFile(big, makeZip([{ name: 'zeros', data: Buffer.alloc(4 * 1024 * 1024) }]));
  const zip = await openZip(big);
  const error = await t.throwsAsync(zip.readEntry('zeros', 1024 * 1024));
  t.is((error as { code?: string }).code, 'E_ARCHIVE_BOMB');
  t.regex(error!.message, /declares 4194304 bytes.*limit.*1048576/);
  // A head read decompresses only what it asks for, whatever the member's size or ratio.
  t.is((await zip.readHead('zeros', 100)).length, 100);
  await zip.close();

  const liar = path.join(dir, 'liar.zip');
  await writeFile(liar, makeZip([{ name: 'small', data: Buffer.alloc(300_000, 1), declaredSize: 10 }]));
  const zip2 = await openZip(liar);
  await t.throwsAsync(zip2.readEntry('small'), { message: /too many bytes|expands past|invalid|size/i });
  await zip2.close();
});

test('a file that is not a zip, and a missing file, give clear errors naming the file', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const junk = path.join(dir, 'junk.whl');
  await writeFile(junk, 'definitely not a zip');
  const error = await t.throwsAsync(openZip(junk));
  t.is((error as { code?: string }).code, 'E_ARCHIVE_CORRUPT');
  t.true(error!.message.includes(junk));
  const missing = await t.throwsAsync(openZip(path.join(dir, 'nope.whl')));
  t.true(missing!.message.includes('nope.whl'));
});

test('walkTar over gzip reads members, heads, and stops early', async (t) => {
  const tar = await makeTar([
    { name: 'pkg-1.0/PKG-INFO', data: 'Metadata-Version: 2.1\n' },
    { name: 'pkg-1.0/big', data: Buffer.alloc(100_000, 65) },
    { name: 'pkg-1.0/after', data: 'x' },
  ]);
  const seen: string[] = [];
  let head = '';
  await walkTar(
    decompress(Readable.from([zlib.gzipSync(tar)]), 'gzip', 'x.tar.gz'),
    'x.tar.gz',
    async (entry, body) => {
      seen.push(entry.name);
      if (entry.name.endsWith('PKG-INFO')) t.is((await body.read()).toString(), 'Metadata-Version: 2.1\n');
      if (entry.name.endsWith('big')) {
        head = (await body.head(10)).toString();
        return false;
      }
      return true;
    },
  );
  t.deepEqual(seen, ['pkg-1.0/PKG-INFO', 'pkg-1.0/big']);
  t.is(head, 'AAAAAAAAAA');
});

test('truncated gzip and a gzip bomb fail with their own codes', async (t) => {
  const tar = await makeTar([{ name: 'a', data: Buffer.alloc(200_000, 1) }]);
  const gz = zlib.gzipSync(tar);
  const truncated = walkTar(
    decompress(Readable.from([gz.subarray(0, gz.length / 2)]), 'gzip', 't.tar.gz'),
    't.tar.gz',
    () => true,
  );
  t.is(((await t.throwsAsync(truncated)) as { code?: string }).code, 'E_ARCHIVE_CORRUPT');
  const bomb = zlib.gzipSync(Buffer.alloc(50 * 1024 * 1024));
  const error = await t.throwsAsync(drain(decompress(Readable.from([bomb]), 'gzip', 'bomb.tar.gz')));
  t.is((error as { code?: string }).code, 'E_ARCHIVE_BOMB');
  const capped = await t.throwsAsync(
    drain(
      decompress(Readable.from([zlib.gzipSync(Buffer.alloc(300_000, 9))]), 'gzip', 'c.gz', {
        maxTotalBytes: 1000,
      }),
    ),
  );
  t.is((capped as { code?: string }).code, 'E_ARCHIVE_BOMB');
});

for (const [format, tool] of [
  ['zstd', 'zstd'],
  ['bzip2', 'bzip2'],
] as Array<[CompressionFormat, string]>) {
  peerTest([tool])(`${format}: round trip, truncation and bomb`, async (t) => {
    const tar = await makeTar([{ name: 'info/index.json', data: '{"name":"x"}' }]);
    const packed = spawnSync(tool, ['-c'], { input: tar }).stdout;
    const names: string[] = [];
    await walkTar(
      decompress(Readable.from([packed]), format, `x.${format}`),
      `x.${format}`,
      (e) => void names.push(e.name),
    );
    t.deepEqual(names, ['info/index.json']);
    const big = spawnSync(tool, ['-c'], { input: Buffer.alloc(2 * 1024 * 1024, 1) }).stdout;
    const cut = await t.throwsAsync(
      drain(
        decompress(Readable.from([big.subarray(0, Math.floor(big.length / 2))]), format, `cut.${format}`),
      ),
    );
    t.is((cut as { code?: string }).code, 'E_ARCHIVE_CORRUPT', cut?.message);
    const bomb = spawnSync(tool, ['-c'], { input: Buffer.alloc(40 * 1024 * 1024) }).stdout;
    const error = await t.throwsAsync(drain(decompress(Readable.from([bomb]), format, `bomb.${format}`)));
    t.is((error as { code?: string }).code, 'E_ARCHIVE_BOMB');
  });
}

test('unsafe member names are reported', (t) => {
  t.is(unsafeMemberName('pkg/ok.py'), undefined);
  t.regex(unsafeMemberName('../evil')!, /\.\./);
  t.regex(unsafeMemberName('a/../../evil')!, /\.\./);
  t.regex(unsafeMemberName('/etc/passwd')!, /absolute/);
  t.regex(unsafeMemberName('C:/x')!, /drive/);
});

test('the Duplex forms decode and surface corruption as errors', async (t) => {
  const { gunzip } = await import('../../src/core/archive/decompress.js');
  const gz = zlib.gzipSync(Buffer.alloc(100_000, 3));
  t.is((await drain(Readable.from([gz]).pipe(gunzip('ok.gz')))).length, 100_000);
  const error = await t.throwsAsync(drain(Readable.from([gz.subarray(0, 40)]).pipe(gunzip('cut.gz'))));
  t.is((error as { code?: string }).code, 'E_ARCHIVE_CORRUPT');
});

test('the overlapping-file zip bomb is refused when opened, naming the members', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const file = path.join(dir, 'overlap.whl');
  await writeFile(file, makeOverlappingZip(['a', 'b', 'c'], Buffer.alloc(1 << 20)));
  const error = await t.throwsAsync(openZip(file));
  t.is((error as { code?: string }).code, 'E_ARCHIVE_BOMB');
  t.regex(error!.message, /members a and b overlap/);
  t.true(error!.message.includes(file));
});
