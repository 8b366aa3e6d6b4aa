import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { mapLimit } from '../../src/core/io/limit.js';
import { PROGRESS_MIN_BYTES } from '../../src/core/io/file-stream.js';
import { signFiles } from '../../src/core/sign/index.js';
import { testKey } from '../sign/keys.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

test('mapLimit keeps order and never runs more than the limit at once', async (t) => {
  let running = 0;
  let peak = 0;
  const out = await mapLimit([5, 1, 4, 2, 3, 0], 2, async (n, i) => {
    running += 1;
    peak = Math.max(peak, running);
    await sleep(n * 3);
    running -= 1;
    return `${i}:${n}`;
  });
  t.deepEqual(out, ['0:5', '1:1', '2:4', '3:2', '4:3', '5:0']);
  t.is(peak, 2);
});

test('mapLimit starts no task after the first failure and rejects only once in-flight tasks settled', async (t) => {
  const started: number[] = [];
  const finished: number[] = [];
  const items = Array.from({ length: 20 }, (_, i) => i);
  const error = await t.throwsAsync(
    mapLimit(items, 3, async (i) => {
      started.push(i);
      if (i === 1) {
        await sleep(5);
        throw new Error('boom 1');
      }
      if (i === 4) throw new Error('boom 4');
      await sleep(20);
      finished.push(i);
      return i;
    }),
  );
  t.is(error?.message, 'boom 1', 'the first error wins');
  // 0, 1, 2 start at once; 1 fails after 5 ms while 0 and 2 are still running: nothing else starts.
  t.deepEqual(
    started.sort((a, b) => a - b),
    [0, 1, 2],
  );
  t.deepEqual(
    finished.sort((a, b) => a - b),
    [0, 2],
    'in-flight tasks finished before the rejection',
  );
  const before = started.length;
  await sleep(60);
  t.is(started.length, before, 'nothing started after the rejection');
});

test('mapLimit on an empty list resolves to an empty list', async (t) => {
  t.deepEqual(await mapLimit([], 4, async () => 1), []);
});

test('signFiles writes no .asc after it rejected', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'distseal-limit-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  const { privateKey } = await testKey('ed25519');
  // The first file is large enough to report progress; the logger's progress hook fails for it,
  // so its signing fails early while the small files behind it could still be signed.
  const big = path.join(dir, 'big.bin');
  await fs.writeFile(big, '');
  await fs.truncate(big, PROGRESS_MIN_BYTES + 1);
  const files = [big];
  for (let i = 0; i < 30; i += 1) {
    const f = path.join(dir, `small-${String(i).padStart(2, '0')}.txt`);
    await fs.writeFile(f, `file ${i}\n`);
    files.push(f);
  }
  const logger = {
    info: () => undefined,
    warn: () => undefined,
    debug: () => undefined,
    progress: () => {
      throw new Error('progress refused');
    },
  };
  const countAsc = async () => (await fs.readdir(dir)).filter((n) => n.endsWith('.asc')).length;
  await t.throwsAsync(signFiles({ files, signingKey: privateKey, logger, concurrency: 2 }), {
    message: /progress refused/,
  });
  const atRejection = await countAsc();
  await sleep(300);
  t.is(await countAsc(), atRejection, 'no signature was written after the rejection');
  t.true(atRejection < files.length - 1, `signing stopped early (${atRejection} written)`);
});
