import test from 'ava';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { openForReading } from '../../src/core/io/opened-file.js';
import { MAX_POOLED, pooledReadBuffers, READ_CHUNK_BYTES } from '../../src/core/io/read-buffers.js';
import { tempDir } from '../helpers/cli.js';

const SIZES = [0, 1, READ_CHUNK_BYTES - 1, READ_CHUNK_BYTES, 2 * READ_CHUNK_BYTES + 5];

for (const blocking of [false, true]) {
  const mode = blocking ? 'blocking' : 'thread-pool';

  test(`${mode} reads: feed and stream give every byte once, in order, at chunk edges`, async (t) => {
    const { dir, cleanup } = await tempDir();
    t.teardown(cleanup);
    for (const size of SIZES) {
      const file = path.join(dir, `f${size}`);
      const data = randomBytes(size);
      await fs.writeFile(file, data);
      const want = createHash('sha256').update(data).digest('hex');
      const opened = await openForReading(file, blocking);
      t.is(opened.size, size);
      const hash = createHash('sha256');
      await opened.feed([hash]);
      await opened.close();
      t.is(hash.digest('hex'), want, `feed of ${size} bytes`);
      const again = await openForReading(file, blocking);
      const streamed = createHash('sha256');
      const reader = again.stream().getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) streamed.update(r.value);
      await again.close();
      t.is(streamed.digest('hex'), want, `stream of ${size} bytes`);
    }
  });

  test(`${mode} reads: missing files and directories are the usual input errors`, async (t) => {
    const { dir, cleanup } = await tempDir();
    t.teardown(cleanup);
    const missing = await t.throwsAsync(openForReading(path.join(dir, 'nope.whl'), blocking));
    t.is((missing as { code?: string }).code, 'E_NOT_FOUND');
    t.regex(missing!.message, /nope\.whl does not exist/);
    const notFile = await t.throwsAsync(openForReading(dir, blocking));
    t.is((notFile as { code?: string }).code, 'E_NOT_A_FILE');
  });

  test(`${mode} reads: a sink that throws fails the feed, and the buffers stay usable and bounded`, async (t) => {
    const { dir, cleanup } = await tempDir();
    t.teardown(cleanup);
    const file = path.join(dir, 'big');
    const data = randomBytes(3 * READ_CHUNK_BYTES);
    await fs.writeFile(file, data);
    const opened = await openForReading(file, blocking);
    const boom = {
      update: () => {
        throw new Error('sink failed');
      },
    };
    await t.throwsAsync(opened.feed([boom]), { message: 'sink failed' });
    await opened.close();
    // Many files at once: the pool keeps at most MAX_POOLED buffers, and every digest is right.
    const want = createHash('sha256').update(data).digest('hex');
    const digests = await Promise.all(
      Array.from({ length: 3 * MAX_POOLED }, async () => {
        const f = await openForReading(file, blocking);
        const hash = createHash('sha256');
        await f.feed([hash]);
        await f.close();
        return hash.digest('hex');
      }),
    );
    t.true(digests.every((d) => d === want));
    t.true(pooledReadBuffers() <= MAX_POOLED);
  });
}

test('blocking reads: a FIFO in a file\'s place is "not a regular file", without waiting for a writer', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const fifo = path.join(dir, 'pipe.whl');
  if (spawnSync('mkfifo', [fifo]).status !== 0) return t.pass('no mkfifo here');
  const error = await t.throwsAsync(openForReading(fifo, true));
  t.is((error as { code?: string }).code, 'E_NOT_A_FILE');
});
