import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { addToChannel } from '../../src/core/channel/add.js';
import { parseRepodata, pythonJson, recordFor, STRIPPED_KEYS } from '../../src/core/channel/repodata.js';
import { tempDir } from '../helpers/cli.js';
import { peerTest } from '../helpers/peers.js';

const PY = '/usr/bin/python3';
const python = peerTest(['/usr/bin/python3']);
const withCph = peerTest(['cph', '/usr/bin/python3']);

function py(code: string, input = ''): string {
  const r = spawnSync(PY, ['-c', code], { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

test('records drop the keys conda-index strips and add md5, sha256, size', (t) => {
  const index: Record<string, unknown> = {
    name: 'a',
    version: '1',
    build: '0',
    build_number: 0,
    depends: [],
    subdir: 'linux-64',
    license: 'MIT',
  };
  for (const k of STRIPPED_KEYS) index[k] = 'x';
  const record = recordFor(index, { md5: 'm', sha256: 's', size: 3 });
  t.deepEqual(record, {
    name: 'a',
    version: '1',
    build: '0',
    build_number: 0,
    depends: [],
    subdir: 'linux-64',
    license: 'MIT',
    md5: 'm',
    sha256: 's',
    size: 3,
  });
});

python(
  'serialization is byte-identical to json.dumps(sort_keys=True, separators=(",", ":")) as conda-index writes',
  (t) => {
    const data = {
      packages: {
        'b-1-0.tar.bz2': {
          name: 'b',
          license: 'café ✓ \u{1F600}',
          depends: ['x >=1', 'y'],
          n: -3,
          f: true,
          z: null,
          nested: { B: 1, a: [1, 2, { c: '\t"\\/\u0001' }], _: 'u' },
        },
      },
      'packages.conda': {},
      info: { subdir: 'noarch' },
      removed: [],
      repodata_version: 1,
    };
    const expected = py(
      'import json,sys; sys.stdout.write(json.dumps(json.load(sys.stdin), sort_keys=True, separators=(",", ":")))',
      JSON.stringify(data),
    );
    t.is(pythonJson(data), expected);
  },
);

test('an empty repodata.json counts as {} (CEP 36); a wrong info.subdir is refused', (t) => {
  t.deepEqual(parseRepodata('', 'x', 'noarch').packages, {});
  t.throws(() => parseRepodata('{"info":{"subdir":"linux-64"}}', 'noarch/repodata.json', 'noarch'), {
    message: /info\.subdir/,
  });
});

withCph(
  'a package made by cph at test time is indexed as a Python conda-index-style oracle computes it',
  async (t) => {
    const { dir, cleanup } = await tempDir();
    try {
      const pkg = path.join(dir, 'src');
      await mkdir(path.join(pkg, 'info'), { recursive: true });
      await mkdir(path.join(pkg, 'lib'), { recursive: true });
      await writeFile(path.join(pkg, 'lib', 'x.txt'), 'x\n');
      const index = {
        arch: 'x86_64',
        build: 'h1_2',
        build_number: 2,
        depends: ['libzzz >=1.2,<2'],
        license: 'Zlib — ünïcode',
        name: 'oracle-pkg',
        platform: 'linux',
        subdir: 'linux-64',
        timestamp: 1764000000123,
        version: '3.2.1',
        track_features: '',
      };
      await writeFile(path.join(pkg, 'info', 'index.json'), JSON.stringify(index));
      await writeFile(path.join(pkg, 'info', 'about.json'), '{"summary":"oracle"}');
      await writeFile(path.join(pkg, 'info', 'paths.json'), '{"paths":[],"paths_version":1}');
      const out = path.join(dir, 'out');
      await mkdir(out);
      for (const ext of ['conda', 'tar.bz2']) {
        const r = spawnSync('cph', ['create', pkg, `oracle-pkg-3.2.1-h1_2.${ext}`, '--out-folder', out], {
          encoding: 'utf8',
        });
        t.is(r.status, 0, r.stderr);
      }
      const channel = path.join(dir, 'channel');
      const files = ['conda', 'tar.bz2'].map((ext) => path.join(out, `oracle-pkg-3.2.1-h1_2.${ext}`));
      await addToChannel({
        channel,
        files,
        sign: async () => '-----BEGIN PGP SIGNATURE-----\n\nstub\n-----END PGP SIGNATURE-----\n',
      });
      const ours = await readFile(path.join(channel, 'linux-64', 'repodata.json'), 'utf8');
      const oracle = py(
        `
import hashlib, json, os, sys, tarfile
d, subdir = sys.argv[1], 'linux-64'
strip = {'arch','has_prefix','mtime','platform','ucs','requires_features','binstar','target-triplet','machine','operatingsystem'}
rd = {'info': {'subdir': subdir}, 'packages': {}, 'packages.conda': {}, 'removed': [], 'repodata_version': 1}
idx = json.loads(sys.stdin.read())
for fn in sorted(os.listdir(d)):
    data = open(os.path.join(d, fn), 'rb').read()
    rec = {k: v for k, v in idx.items() if k not in strip}
    rec.update(md5=hashlib.md5(data).hexdigest(), sha256=hashlib.sha256(data).hexdigest(), size=len(data))
    rd['packages.conda' if fn.endswith('.conda') else 'packages'][fn] = rec
sys.stdout.write(json.dumps(rd, sort_keys=True, separators=(',', ':')))
`.replace('sys.argv[1]', JSON.stringify(out)),
        JSON.stringify(index),
      );
      t.is(ours, oracle);
      const noarch = await readFile(path.join(channel, 'noarch', 'repodata.json'), 'utf8');
      t.is(
        noarch,
        '{"info":{"subdir":"noarch"},"packages":{},"packages.conda":{},"removed":[],"repodata_version":1}',
      );
    } finally {
      await cleanup();
    }
  },
);
