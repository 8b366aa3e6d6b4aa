import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { verifyTree } from '../../src/core/download/verify-tree.js';
import { tempDir } from '../helpers/cli.js';
import { testKey } from '../sign/keys.js';
import { signBytes } from './index-server.js';

test('verify DIR on worker threads gives the same verdicts as in one thread, in the same order', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const key = await testKey('ed25519', 'Maintainer');
  const other = await testKey('ed25519', 'Other');
  await mkdir(path.join(dir, 'x', 'y'), { recursive: true });
  for (let i = 0; i < 40; i += 1) {
    const f = path.join(dir, i % 3 ? 'x' : path.join('x', 'y'), `pkg_${i}-1.0.tar.gz`);
    const data = Buffer.from(`payload ${i}`);
    await writeFile(f, i === 7 ? Buffer.from('tampered') : data);
    // File 9 is signed by a key that is not trusted; file 11 has no signature at all.
    if (i !== 11) await writeFile(`${f}.asc`, await signBytes(data, (i === 9 ? other : key).privateKey));
  }
  // An unreadable file is an input error for that file, not a crash of the pool.
  if (process.getuid?.() !== 0) await chmod(path.join(dir, 'x', 'pkg_13-1.0.tar.gz'), 0);
  const options = {
    roots: [dir],
    keys: [key.publicKey],
    policy: { version: 1 as const, projects: { 'pkg-5': [other.fingerprint] } },
  };
  const pooled = await verifyTree({ ...options, workers: 3 });
  const single = await verifyTree({ ...options, workers: 1 });
  const view = (r: typeof pooled) =>
    r.entries.map((e) => [path.relative(dir, e.file), e.status, e.problems[0]?.code]);
  t.deepEqual(view(pooled), view(single));
  const byName = new Map(view(pooled).map(([f, s, c]) => [path.basename(f as string), [s, c]]));
  t.deepEqual(byName.get('pkg_7-1.0.tar.gz'), ['failed', 'E_BAD_SIGNATURE']);
  t.deepEqual(byName.get('pkg_9-1.0.tar.gz')?.[0], 'failed');
  t.deepEqual(byName.get('pkg_11-1.0.tar.gz'), ['unsigned', 'E_NO_SIGNATURE']);
  t.is(byName.get('pkg_5-1.0.tar.gz')?.[0], 'failed', 'pinned to another key');
  t.is(pooled.counts.verified + pooled.counts.failed + pooled.counts.unsigned, 40);
  t.false(pooled.ok);
});
