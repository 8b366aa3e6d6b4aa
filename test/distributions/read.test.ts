import path from 'node:path';
import test from 'ava';
import { readDist } from '../../src/core/distributions/read-dist.js';
import { distDigests } from '../../src/core/distributions/digests.js';
import { field, fieldList } from '../../src/core/distributions/python/metadata.js';
import { DistsealError } from '../../src/core/errors.js';
import { makeTarGz, makeZip, metadataText, withPython } from '../helpers/bad-dists.js';
import { FIXTURES, tempDir } from '../helpers/cli.js';
import { makeOverlappingZip } from '../helpers/zip-writer.js';

const PY = path.join(FIXTURES, 'python');

/** readDist narrowed to Python dists (the union also covers conda packages). */
async function readPy(file: string, options?: Parameters<typeof readDist>[1]) {
  const dist = await readDist(file, options);
  if (dist.ecosystem !== 'python') throw new Error(`${file} read as ${dist.ecosystem}`);
  return dist;
}

test('readDist dispatches conda packages to the conda reader', async (t) => {
  const dist = await readDist(path.join(FIXTURES, 'conda', 'distseal-demo-1.0.0-py_0.conda'));
  t.is(dist.ecosystem, 'conda');
  if (dist.ecosystem === 'conda') t.is(dist.index.name, 'distseal-demo');
  await t.throwsAsync(readDist('notes.txt'), { message: /not a dist distseal can read/ });
});

test('reads a setuptools wheel and sdist', async (t) => {
  const w = await readPy(path.join(PY, 'distseal_sample-1.0.0-py3-none-any.whl'));
  t.is(w.kind, 'wheel');
  t.is(w.metadataMember, 'distseal_sample-1.0.0.dist-info/METADATA');
  t.is(field(w.metadata, 'name'), 'distseal-sample');
  t.deepEqual(fieldList(w.metadata, 'provides_extra'), ['extra']);
  t.regex(field(w.metadata, 'description')!, /A sample project/);
  const s = await readPy(path.join(PY, 'distseal-sample-1.0.0.tar.gz'));
  t.is(s.kind, 'sdist');
  // The top-level PKG-INFO, not the egg-info one.
  t.is(s.metadataMember, 'distseal-sample-1.0.0/PKG-INFO');
  t.is(field(s.metadata, 'version'), '1.0.0');
});

test('reads flit wheels and sdists', async (t) => {
  const w = await readPy(path.join(PY, 'flit_sample-0.3.0-py3-none-any.whl'));
  t.is(field(w.metadata, 'name'), 'flit_sample');
  const s = await readPy(path.join(PY, 'flit_sample-0.3.0.tar.gz'));
  t.is(s.metadataMember, 'flit_sample-0.3.0/PKG-INFO');
});

withPython('digests in one pass match python hashlib', async (t) => {
  const file = path.join(PY, 'distseal_sample-1.0.0-py3-none-any.whl');
  const d = await distDigests(file, { md5: true });
  const { execFileSync } = await import('node:child_process');
  const py = execFileSync('/usr/bin/python3', [
    '-c',
    `import hashlib,sys;b=open(sys.argv[1],'rb').read();print(hashlib.sha256(b).hexdigest(),hashlib.blake2b(b,digest_size=32).hexdigest(),hashlib.md5(b).hexdigest())`,
    file,
  ])
    .toString()
    .trim()
    .split(' ');
  t.deepEqual([d.sha256, d.blake2_256, d.md5], py);
});

withPython('wheel metadata: exact <name>-<version>.dist-info first, else the shallowest', async (t) => {
  const { dir, cleanup } = await tempDir();
  try {
    const meta = (n: string) => metadataText({ 'Metadata-Version': '2.1', Name: n, Version: '1.0' });
    const f = makeZip(dir, 'pkg-1.0-py3-none-any.whl', [
      ['vendored/other-2.0.dist-info/METADATA', meta('other')],
      ['aaa-1.0.dist-info/METADATA', meta('aaa')],
      ['pkg-1.0.dist-info/METADATA', meta('pkg')],
    ]);
    t.is(field((await readPy(f)).metadata, 'name'), 'pkg');
    const g = makeZip(dir, 'odd-1.0-py3-none-any.whl', [
      ['vendored/other-2.0.dist-info/METADATA', meta('other')],
      ['Odd-1.0.dist-info/METADATA', meta('Odd')],
    ]);
    t.is((await readPy(g)).metadataMember, 'Odd-1.0.dist-info/METADATA');
  } finally {
    await cleanup();
  }
});

const bad: Array<[string, (dir: string) => string, string, RegExp]> = [
  ['not a dist', (d) => makeZip(d, 'notes.txt', [['a', 'b']]), 'E_NOT_A_DIST', /is not a (Python )?dist/],
  [
    'a corrupt zip',
    (d) => {
      const f = path.join(d, 'x-1.0-py3-none-any.whl');
      require('node:fs').writeFileSync(f, 'PK\x03\x04garbage');
      return f;
    },
    'E_ARCHIVE_CORRUPT',
    /not a (readable archive|zip)/,
  ],
  [
    'a corrupt gzip',
    (d) => {
      const f = path.join(d, 'x-1.0.tar.gz');
      require('node:fs').writeFileSync(f, Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5]));
      return f;
    },
    'E_ARCHIVE_CORRUPT',
    /x-1\.0\.tar\.gz/,
  ],
  [
    'a wheel without METADATA',
    (d) => makeZip(d, 'x-1.0-py3-none-any.whl', [['x/__init__.py', '']]),
    'E_NO_METADATA',
    /no METADATA.*x-1\.0\.dist-info\/METADATA/,
  ],
  [
    'an sdist with two top-level folders',
    (d) =>
      makeTarGz(d, 'x-1.0.tar.gz', [
        ['x-1.0/PKG-INFO', 'Metadata-Version: 2.1\n'],
        ['evil/setup.py', ''],
      ]),
    'E_SDIST_LAYOUT',
    /more than one top-level/,
  ],
  [
    'an sdist without PKG-INFO',
    (d) =>
      makeTarGz(d, 'x-1.0.tar.gz', [
        ['x-1.0/setup.py', ''],
        ['x-1.0/README', ''],
      ]),
    'E_NO_METADATA',
    /x-1\.0\/PKG-INFO/,
  ],
  [
    'a zip bomb (overlapping members)',
    (d) => {
      const f = path.join(d, 'x-1.0-py3-none-any.whl');
      require('node:fs').writeFileSync(
        f,
        makeOverlappingZip(['x-1.0.dist-info/METADATA', 'x/a.bin', 'x/b.bin'], Buffer.alloc(1 << 20)),
      );
      return f;
    },
    'E_ARCHIVE_BOMB',
    /bomb.*overlap/,
  ],
];

const require = (await import('node:module')).createRequire(import.meta.url);

for (const [title, make, code, message] of bad) {
  withPython(`refuses ${title} with a message naming the file`, async (t) => {
    const { dir, cleanup } = await tempDir();
    try {
      const file = make(dir);
      const { checkDist } = await import('../../src/core/distributions/check.js');
      const err = await t.throwsAsync(code === 'E_ARCHIVE_BOMB' ? checkDist(file) : readDist(file));
      t.true(err instanceof DistsealError, String(err));
      t.is((err as DistsealError).code, code, err!.message);
      t.regex(err!.message, message);
      t.true(err!.message.includes(path.basename(file)) || err!.message.includes(file));
      t.is((err as DistsealError).kind, 'input');
    } finally {
      await cleanup();
    }
  });
}

withPython('a .zip sdist is read by the single-root rule too', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const f = makeZip(dir, 'zipped-2.0.zip', [
    [
      'zipped-2.0/PKG-INFO',
      metadataText({ 'Metadata-Version': '1.0', Name: 'zipped', Version: '2.0', Description: 'old style' }),
    ],
    ['zipped-2.0/setup.py', ''],
  ]);
  const d = await readPy(f);
  t.is(d.kind, 'sdist');
  t.is(field(d.metadata, 'description'), 'old style');
});
