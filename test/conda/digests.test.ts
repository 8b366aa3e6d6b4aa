import test from 'ava';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { condaDigests } from '../../src/core/distributions/conda/digests.js';
import { pooledReadBuffers, READ_CHUNK_BYTES } from '../../src/core/io/read-buffers.js';
import { tempDir } from '../helpers/cli.js';

test('condaDigests: md5, sha256 and size at chunk edges, read through the pooled buffers (no buffer per file)', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  t.is(pooledReadBuffers(), 0);
  for (const size of [0, 7, READ_CHUNK_BYTES, READ_CHUNK_BYTES + 1]) {
    const file = path.join(dir, `p${size}.conda`);
    const data = randomBytes(size);
    await fs.writeFile(file, data);
    const d = await condaDigests(file);
    const md5 = createHash('md5').update(data).digest();
    t.deepEqual(d, {
      md5: md5.toString('hex'),
      md5Base64: md5.toString('base64'),
      sha256: createHash('sha256').update(data).digest('hex'),
      size,
    });
  }
  // Pooled buffers served the files and are back in the pool (two per file read at once: the
  // test below may read at the same time).
  t.true(pooledReadBuffers() >= 2 && pooledReadBuffers() <= 4, `${pooledReadBuffers()} pooled`);
});

test('condaDigests: a missing file or a directory is the read error it always was', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const missing = await t.throwsAsync(condaDigests(path.join(dir, 'nope.conda')));
  t.regex(missing!.message, /nope\.conda/);
  const directory = await t.throwsAsync(condaDigests(dir));
  t.truthy(directory);
});
