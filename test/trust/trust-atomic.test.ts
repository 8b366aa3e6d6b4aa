import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import * as openpgp from 'openpgp';
import { KeyStore } from '../../src/core/keys/store.js';
import { pinsOf } from '../../src/core/trust/pins.js';

const CHILD = fileURLToPath(new URL('./trust-child.js', import.meta.url));
const BASE = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();

/**
 * Run the child and kill -9 it at a random moment inside one of its transactions: after it has
 * trusted one or two keys (which tells how long one takes on this machine), at a random point of
 * the next one. Resolves with how many keys it reported.
 */
function runAndKill(home: string, keyDir: string): Promise<{ trusted: number; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CHILD, home, keyDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const killAfter = 1 + Math.floor(Math.random() * 2);
    let trusted = 0;
    let last = 0;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      for (const line of d.split('\n')) {
        if (line === 'R') last = Date.now();
        if (!line.startsWith('T ')) continue;
        trusted += 1;
        const took = Date.now() - last;
        last = Date.now();
        if (trusted === killAfter) setTimeout(() => child.kill('SIGKILL'), Math.random() * took * 1.2);
      }
    });
    child.on('exit', (code) => resolve({ trusted, code }));
  });
}

test('trust add --for killed with kill -9 at random moments never leaves a key trusted but unpinned', async (t) => {
  const dir = await fs.mkdtemp(path.join(BASE, 'distseal-trust-kill-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  const home = path.join(dir, 'home');
  const keyDir = path.join(dir, 'keys');
  await fs.mkdir(keyDir);
  for (let i = 0; i < 120; i += 1) {
    const { publicKey } = await openpgp.generateKey({
      userIDs: [{ email: `k${i}@example.invalid` }],
      format: 'object',
    });
    await fs.writeFile(
      path.join(keyDir, `${publicKey.getFingerprint().toUpperCase()}.asc`),
      publicKey.armor(),
    );
  }
  let runs = 0;
  let total = 0;
  const started = Date.now();
  while (runs < 25 && Date.now() - started < 30_000) {
    const { trusted, code } = await runAndKill(home, keyDir);
    runs += 1;
    total += trusted;
    if (code === 0) break; // every key is trusted: nothing left to interrupt
    const store = await KeyStore.open({ home });
    const policy = await store.trustPolicy(); // throws if policy.json were torn
    const unpinned = (await store.loadTrusted()).filter((k) => pinsOf(policy, k.fingerprint).length === 0);
    t.deepEqual(
      unpinned.map((k) => k.fingerprint),
      [],
      `run ${runs}: a key is trusted but pinned to nothing`,
    );
    if (unpinned.length) return;
  }
  t.log(`${runs} runs killed, ${total} keys trusted in between`);
  t.true(total > 0, 'the child trusted keys between kills');
});
