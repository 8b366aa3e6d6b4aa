/**
 * Issue 10 B: honest large wheels are not bombs. A wheel with a STORED 300 MB .so (written
 * sparse: no disk, no time) and a 20 MB zero-filled data file (deflated, ratio about 1000)
 * passes `check` as `twine check` passes it; the leak scan reads only a prefix of each.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import test from 'ava';
import { checkDist } from '../../src/core/distributions/check.js';
import { metadataText } from '../helpers/bad-dists.js';
import { tempDir } from '../helpers/cli.js';
import { peerTest } from '../helpers/peers.js';
import { writeSparseZip } from './sparse-zip.js';

let file = '';
let cleanup: () => Promise<void> = async () => undefined;
test.before(async () => {
  let dir: string;
  ({ dir, cleanup } = await tempDir());
  file = path.join(dir, 'bigwheel-1.0-cp312-cp312-manylinux_2_17_x86_64.whl');
  const meta = metadataText(
    {
      'Metadata-Version': '2.1',
      Name: 'bigwheel',
      Version: '1.0',
      Summary: 'A wheel with a large native library',
      'Description-Content-Type': 'text/markdown',
    },
    '# bigwheel\n\nLarge but honest.\n',
  );
  await writeSparseZip(file, [
    { name: 'bigwheel/__init__.py', data: 'from ._native import *\n' },
    { name: 'bigwheel/_native.cpython-312-x86_64-linux-gnu.so', zeros: 300 * 1000 * 1000 },
    { name: 'bigwheel/data/table.bin', data: Buffer.alloc(20 * 1000 * 1000) },
    { name: 'bigwheel-1.0.dist-info/METADATA', data: meta },
    { name: 'bigwheel-1.0.dist-info/WHEEL', data: 'Wheel-Version: 1.0\nRoot-Is-Purelib: false\n' },
    { name: 'bigwheel-1.0.dist-info/RECORD', data: '' },
  ]);
});
test.after.always(() => cleanup());

test('a wheel with a stored 300 MB .so and a 20 MB zero-filled file passes check', async (t) => {
  const report = await checkDist(file);
  t.deepEqual(
    report.findings.filter((f) => f.severity === 'error'),
    [],
  );
  t.is(report.name, 'bigwheel');
});

peerTest(['twine'])('twine check passes the same wheel', (t) => {
  const r = spawnSync('twine', ['check', file], { encoding: 'utf8', timeout: 120_000 });
  t.is(r.status, 0, r.stdout + r.stderr);
  t.regex(r.stdout, /PASSED/);
});
