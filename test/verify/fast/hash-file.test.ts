import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { PROGRESS_MIN_BYTES } from '../../../src/core/io/file-stream.js';
import type { Logger, ProgressEvent } from '../../../src/core/logger.js';
import { buildVerifyIndex } from '../../../src/core/verify/fast/build-index.js';
import { fastKeyring, fastVerifyFile } from '../../../src/core/verify/fast/check.js';
import { FAST_PROGRESS_MIN_BYTES } from '../../../src/core/verify/fast/hash-file.js';
import { verifyFile } from '../../../src/core/verify/verify-file.js';
import { tempDir } from '../../helpers/cli.js';
import { makeKey, sign } from './corpus.js';

/**
 * Large files on the fast path: the progress events it sends are the full verifier's, event for
 * event (id, label, done, total, finished), and the last one only for a good answer.
 */

const MiB = 1 << 20;

async function setup() {
  const { dir, cleanup } = await tempDir();
  const key = await makeKey('ed25519', 'H Large');
  const pub = [key.toPublic()];
  const built = await buildVerifyIndex({
    keys: pub,
    ownFingerprints: [],
    pins: false,
    inputs: 'x',
    distseal: 't',
    now: new Date(),
  });
  const write = async (name: string, size: number) => {
    const file = path.join(dir, name);
    const data = new Uint8Array(size);
    data.set(randomBytes(64), size - 64);
    await writeFile(file, data);
    await writeFile(`${file}.asc`, await sign(key, data));
    return file;
  };
  return { cleanup, ring: fastKeyring(built)!, pub, write };
}

const recorder = () => {
  const events: ProgressEvent[] = [];
  const logger: Logger = {
    info: () => undefined,
    warn: () => undefined,
    debug: () => undefined,
    progress: (e) => events.push({ ...e }),
  };
  return { events, logger, sink: (e: ProgressEvent) => events.push({ ...e }) };
};

test('the fast path reports progress from the size the full path does', (t) => {
  t.is(FAST_PROGRESS_MIN_BYTES, PROGRESS_MIN_BYTES);
});

test('large files: the same progress events as the full verifier, the finished one last', async (t) => {
  const s = await setup();
  t.teardown(s.cleanup);
  for (const size of [16 * MiB, 17 * MiB + MiB / 2 + 3]) {
    const file = await s.write(`f-${size}.bin`, size);
    const fast = recorder();
    const answer = fastVerifyFile(file, s.ring, new Date(), fast.sink);
    t.true(answer.ok, answer.ok ? '' : answer.why);
    const full = recorder();
    t.true((await verifyFile({ file, keys: s.pub, logger: full.logger })).verified);
    t.deepEqual(fast.events, full.events);
    t.is(fast.events.length, Math.ceil(size / MiB) + 1);
    t.deepEqual(fast.events.at(-1), {
      id: file,
      label: `verify ${path.basename(file)}`,
      done: size,
      total: size,
      finished: true,
    });
    // With nowhere to report its progress, a large file is left to the full path.
    t.like(fastVerifyFile(file, s.ring, new Date()), { ok: false });
  }
});

test('a file just below the size: no progress on either path, fast without a sink', async (t) => {
  const s = await setup();
  t.teardown(s.cleanup);
  const file = await s.write('small.bin', FAST_PROGRESS_MIN_BYTES - 1);
  const fast = recorder();
  t.true(fastVerifyFile(file, s.ring, new Date(), fast.sink).ok);
  t.true(fastVerifyFile(file, s.ring, new Date()).ok);
  const full = recorder();
  t.true((await verifyFile({ file, keys: s.pub, logger: full.logger })).verified);
  t.deepEqual(fast.events, []);
  t.deepEqual(full.events, []);
});

test('a large file whose signature fails: read to the end, but no finished event', async (t) => {
  const s = await setup();
  t.teardown(s.cleanup);
  const file = await s.write('bad.bin', 16 * MiB + 5);
  await writeFile(file, new Uint8Array(16 * MiB + 5)); // the signed tail replaced by zeros
  const fast = recorder();
  t.like(fastVerifyFile(file, s.ring, new Date(), fast.sink), { ok: false });
  t.is(fast.events.length, 17);
  t.is(fast.events.at(-1)!.done, 16 * MiB + 5);
  t.false(fast.events.some((e) => e.finished));
});
