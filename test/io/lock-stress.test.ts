import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { withLock } from '../../src/core/io/lock.js';
import { KeyStore } from '../../src/core/keys/store.js';
import { fingerprintOf, projectOf } from './lock-ids.js';

const CHILD = fileURLToPath(new URL('./lock-child.js', import.meta.url));
/** tmpfs when there is one: fsync is free there, so the trials test the lock, not the disk. */
const BASE = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Contender {
  proc: ChildProcess;
  ready: boolean;
  /** Transactions it committed, and when the last one ended (or when it became ready). */
  commits: number;
  lastAt: number;
  /** Killed after this many commits, at a random moment of the next transaction (`killAt`). */
  killAfter: number;
  killAt: number;
  exited: Promise<void>;
  stderr: string;
}

function start(mode: 'stress' | 'rounds', home: string, onLine: (line: string) => void): Contender {
  const proc = spawn(process.execPath, [CHILD, mode, home], { stdio: ['pipe', 'pipe', 'pipe'] });
  const c: Contender = {
    proc,
    ready: false,
    commits: 0,
    lastAt: 0,
    killAfter: 1 + Math.floor(Math.random() * 4),
    killAt: Infinity,
    stderr: '',
    exited: new Promise((r) => proc.once('exit', () => r())),
  };
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (c.stderr += d));
  readline.createInterface({ input: proc.stdout! }).on('line', (line) => {
    if (line === 'R') {
      c.ready = true;
      c.lastAt = Date.now();
      return;
    }
    if (line.startsWith('C ')) {
      // How long a transaction takes on this machine right now decides when "inside the next one" is.
      const took = Date.now() - c.lastAt;
      c.lastAt = Date.now();
      c.commits += 1;
      if (c.commits === c.killAfter) c.killAt = Date.now() + Math.random() * took * 1.2;
    }
    onLine(line);
  });
  return c;
}

async function tempHome(t: { teardown(fn: () => Promise<void>): void }, name: string): Promise<string> {
  const home = await fs.mkdtemp(path.join(BASE, `distseal-${name}-`));
  t.teardown(() => fs.rm(home, { recursive: true, force: true }));
  return home;
}

async function violations(home: string): Promise<string> {
  return fs.readFile(path.join(home, 'violations'), 'utf8').catch(() => '');
}

test.serial(
  'store writers killed with kill -9 at random moments: one holder at a time, nothing lost or torn',
  async (t) => {
    const home = await tempHome(t, 'lock-stress');
    const committed = new Set<string>();
    const crashed: string[] = [];
    const live = new Set<Contender>();
    const killedByUs = new WeakSet<ChildProcess>();
    const launch = () => {
      const c = start('stress', home, (line) => {
        if (line.startsWith('C ')) committed.add(line.slice(2));
      });
      c.proc.once('exit', (code, signal) => {
        live.delete(c);
        if (!killedByUs.has(c.proc)) crashed.push(`exit ${code ?? signal}: ${c.stderr.trim()}`);
      });
      live.add(c);
    };
    for (let i = 0; i < 4; i += 1) launch();
    // 15 s, or up to 40 s on a starved machine until 300 transactions went through; 2,000 suffice.
    const began = Date.now();
    const running = () => {
      const elapsed = Date.now() - began;
      return elapsed < 15_000 || (elapsed < 40_000 && committed.size < 300);
    };
    let kills = 0;
    while (running() && committed.size < 2_000 && crashed.length === 0) {
      // Each contender commits a few transactions, then dies inside the next one.
      await sleep(1 + Math.random() * 3);
      const ready = [...live].filter((c) => Date.now() >= c.killAt);
      if (ready.length === 0) continue;
      const victim = ready[Math.floor(Math.random() * ready.length)]!;
      killedByUs.add(victim.proc);
      victim.proc.kill('SIGKILL');
      kills += 1;
      await victim.exited;
      launch();
    }
    for (const c of [...live]) {
      killedByUs.add(c.proc);
      c.proc.kill('SIGKILL');
      await c.exited;
    }
    t.deepEqual(crashed, [], 'no contender failed on its own (a lock timeout would show here)');
    t.is(await violations(home), '', 'never two holders, never a damaged policy');

    // Every transaction that reported success is there, whole.
    const policy = await (await KeyStore.open({ home })).trustPolicy();
    const lost = [...committed].filter(
      (id) =>
        !policy.projects[projectOf(id)]?.includes(fingerprintOf(id)) ||
        !existsSync(path.join(home, 'stress-keys', `${id}.key`)),
    );
    t.deepEqual(lost, [], 'no committed key or pin was lost');
    for (const name of await fs.readdir(path.join(home, 'stress-keys'))) {
      if (name.endsWith('.key'))
        t.is(readFileSync(path.join(home, 'stress-keys', name), 'utf8'), `key ${name.slice(0, -4)}\n`);
    }
    // The lock is not wedged, and taking it clears what the killed processes left beside it.
    await withLock(path.join(home, '.lock'), async () => undefined, { timeoutMs: 5_000 });
    const left = (await fs.readdir(home)).filter((n) => n.startsWith('.lock') || n.startsWith('..lock'));
    t.deepEqual(left, [], 'no lock, claim or temp file left over');
    t.log(`${committed.size} committed transactions, ${kills} processes killed with SIGKILL`);
    t.true(committed.size >= 30, `enough trials ran (${committed.size})`);
    t.true(kills >= 8, `enough kills (${kills})`);
  },
);

/** A PID that no process has now. */
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

/** A lock left behind by a process that is gone, in one of the shapes a crash can leave. */
async function plantStaleLock(file: string, kind: number): Promise<void> {
  const base = { host: os.hostname(), nonce: randomBytes(16).toString('hex') };
  const boot = existsSync('/proc/sys/kernel/random/boot_id')
    ? readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
    : undefined;
  if (kind === 0) {
    const dead = deadPid();
    await fs.writeFile(file, JSON.stringify({ ...base, pid: dead, boot }));
  } else if (kind === 1) {
    // Our own PID, but a start time that is not ours: the PID was reused since the lock was written.
    await fs.writeFile(file, JSON.stringify({ ...base, pid: process.pid, start: '1', boot }));
  } else {
    // A holder that died between creating the file and writing it, or a bare PID (older distseal).
    await fs.writeFile(file, kind === 2 ? '' : `${deadPid()}\n`);
    const old = new Date(Date.now() - 60_000);
    await fs.utimes(file, old, old);
  }
}

test.serial('a stale lock and three contenders: exactly one takes it each round', async (t) => {
  const home = await tempHome(t, 'lock-rounds');
  const lockFile = path.join(home, '.lock');
  const done = new Map<string, number>();
  const contenders = Array.from({ length: 3 }, () =>
    start('rounds', home, (line) => {
      const round = line.replace(/^D /, '');
      done.set(round, (done.get(round) ?? 0) + 1);
    }),
  );
  t.teardown(() => contenders.forEach((c) => c.proc.kill('SIGKILL')));
  while (!contenders.every((c) => c.ready)) await sleep(10);
  const rounds = process.platform === 'linux' ? 300 : 150;
  for (let round = 0; round < rounds; round += 1) {
    await plantStaleLock(lockFile, round % 4);
    for (const c of contenders) c.proc.stdin!.write(`go ${round}\n`);
    const deadline = Date.now() + 15_000;
    while ((done.get(String(round)) ?? 0) < 3) {
      if (Date.now() > deadline || contenders.some((c) => c.proc.exitCode !== null)) {
        t.fail(`round ${round} did not finish: ${contenders.map((c) => c.stderr.trim()).join(' | ')}`);
        return;
      }
      await sleep(1);
    }
    t.false(existsSync(lockFile), `round ${round}: the lock was released`);
  }
  t.is(await violations(home), '', 'never two holders at once');
  t.log(`${rounds} rounds, ${rounds * 3} acquisitions`);
});
