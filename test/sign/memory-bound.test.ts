import test from 'ava';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Guard against openpgp.js's detached-sign buffering trap coming back (spec section 3: plain
 * `sign()` over a stream held the whole input, 2.2 GB for 1 GiB). Signing and then verifying a
 * 512 MiB generated stream must keep the child's peak RSS under 200 MB. A bound, not a timing.
 */
const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'memory-child.js');
const LIMIT_MB = 200;

test('signing and verifying a 512 MiB stream stays under 200 MB peak RSS', (t) => {
  t.timeout(300_000); // a memory bound, not a timing: leave room for a loaded CI machine
  const r = spawnSync(process.execPath, [CHILD, '512'], { encoding: 'utf8', timeout: 290_000 });
  t.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
    bytes: number;
    verdict: string;
    maxRssKiB: number;
  };
  t.is(out.bytes, 512 * 1024 * 1024);
  t.is(out.verdict, 'good');
  const mb = out.maxRssKiB / 1024;
  t.log(`peak RSS ${mb.toFixed(0)} MB for 512 MiB signed and verified`);
  t.true(mb < LIMIT_MB, `peak RSS ${mb.toFixed(0)} MB >= ${LIMIT_MB} MB: has the streaming trap come back?`);
});
