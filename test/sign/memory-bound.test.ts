import test from 'ava';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Guard against openpgp.js's detached-sign buffering trap coming back (spec section 3: plain
 * `sign()` over a stream held the whole input, 2.2 GB for 1 GiB). Signing and then verifying a
 * 512 MiB generated stream must keep the child's peak RSS under LIMIT_MB, on openpgp.js's own
 * streaming path (forced with `prehash: false`) and on the prehash path. A bound, not a timing.
 */
const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'memory-child.js');
// Node 26's heap settles near 206 MB whatever the size (64 MiB: 145 MB, 512 MiB and 1 GiB: 206 MB;
// Node 20: 116 MB), so the bound leaves room for that; the trap itself costs over 1 GB here.
const LIMIT_MB = 256;

for (const mode of ['stream', 'prehash'] as const) {
  test(`signing and verifying a 512 MiB stream (${mode} path) stays under ${LIMIT_MB} MB peak RSS`, (t) => {
    t.timeout(300_000); // a memory bound, not a timing: leave room for a loaded CI machine
    const r = spawnSync(process.execPath, [CHILD, '512', mode], { encoding: 'utf8', timeout: 290_000 });
    t.is(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
      bytes: number;
      verdict: string;
      maxRssKiB: number;
      paths: { signGotData: boolean[]; verifyViaHook: boolean[] };
    };
    t.is(out.bytes, 512 * 1024 * 1024);
    t.is(out.verdict, 'good');
    // The child really took the path this test claims to guard (it once never ran the stream path).
    if (mode === 'stream') {
      t.deepEqual(out.paths.signGotData, [true], 'openpgp.js signed the streamed data itself');
      t.deepEqual(out.paths.verifyViaHook, [false], 'openpgp.js hashed the streamed data itself');
    } else {
      t.false(out.paths.signGotData.includes(true));
      // The signer's self-check, then the verification: both over our digest.
      t.deepEqual(out.paths.verifyViaHook, [true, true]);
    }
    const mb = out.maxRssKiB / 1024;
    t.log(`peak RSS ${mb.toFixed(0)} MB for 512 MiB signed and verified (${mode})`);
    t.true(
      mb < LIMIT_MB,
      `peak RSS ${mb.toFixed(0)} MB >= ${LIMIT_MB} MB: has the streaming trap come back?`,
    );
  });
}
