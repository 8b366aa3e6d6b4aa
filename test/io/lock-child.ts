/**
 * A contender for test/io/lock-stress.test.ts (run as a child process, killed at random).
 *
 *   node lock-child.js stress HOME   loop of store-like transactions: each adds a key file and a pin
 *                                    under the home's lock, then prints "C <id>" once committed
 *   node lock-child.js rounds HOME   on each "go N" line from stdin: take HOME/.lock once, print "D N"
 *
 * Inside the lock a marker file names the holder; finding a marker whose writer still runs means
 * two processes held the lock at once: that is recorded in HOME/violations.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, readFileSync, promises as fs } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { writeFileAtomic } from '../../src/core/io/atomic.js';
import { withLock } from '../../src/core/io/lock.js';
import { HOME_LAYOUT } from '../../src/core/keys/layout.js';
import { addPins } from '../../src/core/trust/pins.js';
import { parsePolicy, serializePolicy, type TrustPolicy } from '../../src/core/trust/policy.js';
import { fingerprintOf, projectOf } from './lock-ids.js';

const [mode, home] = process.argv.slice(2) as [string, string];
const marker = path.join(home, 'holder');

function violation(what: string): void {
  appendFileSync(path.join(home, 'violations'), `${what}\n`);
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]!);
  } catch {
    return true;
  }
}

async function enter(): Promise<void> {
  const tmp = `${marker}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await fs.writeFile(tmp, String(process.pid));
  try {
    await fs.link(tmp, marker);
  } catch {
    // A marker is there: fine only when its writer was killed inside the lock.
    const holder = Number(await fs.readFile(marker, 'utf8').catch(() => ''));
    if (holder && holder !== process.pid && running(holder))
      violation(`double holder: ${process.pid} entered while ${holder} was inside`);
    await fs.rename(tmp, marker);
    return;
  }
  await fs.unlink(tmp);
}

async function leave(): Promise<void> {
  const holder = Number(await fs.readFile(marker, 'utf8').catch(() => ''));
  if (holder !== process.pid) violation(`${process.pid} left but the marker names ${holder}`);
  await fs.unlink(marker).catch(() => undefined);
}

async function stress(): Promise<void> {
  // The store's own lock, file names and policy code; no openpgp, so a new contender starts fast.
  const lockFile = path.join(home, HOME_LAYOUT.lock);
  const policyFile = path.join(home, HOME_LAYOUT.policy);
  await fs.mkdir(path.join(home, 'stress-keys'), { recursive: true });
  await fs.mkdir(path.dirname(policyFile), { recursive: true });
  process.stdout.write('R\n');
  for (let n = 0; ; n += 1) {
    const id = `${process.pid}-${n}`;
    await withLock(
      lockFile,
      async () => {
        await enter();
        const text = await fs.readFile(policyFile, 'utf8').catch(() => undefined);
        let policy: TrustPolicy = { version: 1, projects: {} };
        try {
          if (text !== undefined) policy = parsePolicy(text, policyFile);
        } catch (error) {
          violation(`damaged policy seen by ${process.pid}: ${(error as Error).message}`);
          throw error;
        }
        await writeFileAtomic(path.join(home, 'stress-keys', `${id}.key`), `key ${id}\n`);
        await writeFileAtomic(
          policyFile,
          serializePolicy(addPins(policy, [projectOf(id)], [fingerprintOf(id)])),
        );
        await leave();
      },
      { retryMs: 2, timeoutMs: 30_000 },
    );
    process.stdout.write(`C ${id}\n`);
  }
}

async function rounds(): Promise<void> {
  const lines = readline.createInterface({ input: process.stdin });
  process.stdout.write('R\n');
  for await (const line of lines) {
    const round = line.replace(/^go /, '');
    await withLock(
      path.join(home, '.lock'),
      async () => {
        await enter();
        await new Promise((r) => setTimeout(r, Math.random() * 2));
        await leave();
      },
      { retryMs: 2 },
    );
    process.stdout.write(`D ${round}\n`);
  }
}

if (mode === 'stress') await stress();
else if (mode === 'rounds') await rounds();
