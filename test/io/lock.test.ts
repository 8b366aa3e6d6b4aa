import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { withLock } from '../../src/core/io/lock.js';

async function tempDir(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'distseal-lock-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

const record = (fields: Record<string, unknown>) =>
  JSON.stringify({ host: os.hostname(), nonce: randomBytes(16).toString('hex'), ...fields });

function deadPid(): number {
  for (;;) {
    const pid = 1000 + Math.floor(Math.random() * 30_000);
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return pid;
    }
  }
}

test('the lock file holds a whole owner record while held and is gone after, even when fn throws', async (t) => {
  const dir = await tempDir(t);
  const file = path.join(dir, '.lock');
  await withLock(file, async () => {
    const owner = JSON.parse(await fs.readFile(file, 'utf8')) as { pid: number; nonce: string };
    t.is(owner.pid, process.pid);
    t.regex(owner.nonce, /^[0-9a-f]{32}$/);
  });
  t.false(existsSync(file));
  await t.throwsAsync(
    withLock(file, async () => {
      throw new Error('inside');
    }),
    { message: 'inside' },
  );
  t.false(existsSync(file));
  t.deepEqual(await fs.readdir(dir), [], 'no temp file left');
});

test('a lock held by a running process is waited for, then E_LOCKED names its pid', async (t) => {
  const dir = await tempDir(t);
  const file = path.join(dir, '.lock');
  await withLock(file, async () => {
    const error = await t.throwsAsync(withLock(file, async () => 1, { timeoutMs: 200 }));
    t.is((error as { code?: string }).code, 'E_LOCKED');
    t.regex(error!.message, new RegExp(`pid ${process.pid}`));
  });
});

test('a lock whose holder is gone is taken over; so is one whose PID now belongs to another process', async (t) => {
  const dir = await tempDir(t);
  const file = path.join(dir, '.lock');
  await fs.writeFile(file, record({ pid: deadPid() }));
  t.is(await withLock(file, async () => 'taken', { timeoutMs: 1_000 }), 'taken');
  if (existsSync('/proc/self/stat')) {
    // Our PID, but another start time: the writer died and its PID was reused (by us).
    await fs.writeFile(file, record({ pid: process.pid, start: '1' }));
    t.is(await withLock(file, async () => 'reused', { timeoutMs: 1_000 }), 'reused');
  }
});

test('an empty lock file is garbage once old, but a fresh one may be a writer mid-way and is waited for', async (t) => {
  const dir = await tempDir(t);
  const file = path.join(dir, '.lock');
  await fs.writeFile(file, '');
  const error = await t.throwsAsync(withLock(file, async () => 1, { timeoutMs: 300 }));
  t.is((error as { code?: string }).code, 'E_LOCKED');
  const old = new Date(Date.now() - 60_000);
  await fs.utimes(file, old, old);
  t.is(await withLock(file, async () => 2, { timeoutMs: 1_000 }), 2);
});

test('a lock written on another host is never taken over: E_LOCKED names the host', async (t) => {
  const dir = await tempDir(t);
  const file = path.join(dir, '.lock');
  await fs.writeFile(file, record({ pid: deadPid(), host: 'build-box.example' }));
  const error = await t.throwsAsync(withLock(file, async () => 1, { timeoutMs: 200 }));
  t.is((error as { code?: string }).code, 'E_LOCKED');
  t.regex((error as { hint?: string }).hint ?? '', /build-box\.example/);
  t.true(existsSync(file));
});

test('taking the lock clears the claims and temp files that killed processes left beside it', async (t) => {
  const dir = await tempDir(t);
  const file = path.join(dir, '.lock');
  const leftovers = [
    `.lock.stale-n${'a'.repeat(32)}`,
    `..lock.${deadPid()}.0123abcd.tmp`,
    `..lock.stale-n${'b'.repeat(32)}.${deadPid()}.89abcdef.tmp`,
  ];
  const kept = [`..lock.${process.pid}.0123abcd.tmp`, 'other-file'];
  for (const name of [...leftovers, ...kept]) await fs.writeFile(path.join(dir, name), '');
  await withLock(file, async () => undefined);
  t.deepEqual((await fs.readdir(dir)).sort(), kept.sort());
});
