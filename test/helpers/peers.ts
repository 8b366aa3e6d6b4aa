import { spawnSync } from 'node:child_process';
import test, { type TestFn } from 'ava';

/**
 * Tests that need an outside program (gpg, sqv, rnp, sq, twine, cph, a Secret Service) run for
 * real when it is there. On a developer machine without it they are skipped with a visible
 * message; when DISTSEAL_REQUIRE_PEERS=1 (set by .ci/run) a missing program is a failure, so CI
 * can never pass by skipping.
 */
export const REQUIRE_PEERS = process.env.DISTSEAL_REQUIRE_PEERS === '1';

const cache = new Map<string, boolean>();

/** True when `program` is on PATH. */
export function havePeer(program: string): boolean {
  let found = cache.get(program);
  if (found === undefined) {
    found = spawnSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' }).status === 0;
    cache.set(program, found);
  }
  return found;
}

/**
 * `test`, when every program in `programs` is available (and `extra()` holds, if given);
 * otherwise a skip with a message, or a failing test under DISTSEAL_REQUIRE_PEERS=1.
 */
export function peerTest(programs: string[], extra?: { ok: boolean; why: string }): TestFn {
  const missing = programs.filter((p) => !havePeer(p));
  const reasons = [
    ...missing.map((p) => `${p} is not installed`),
    ...(extra && !extra.ok ? [extra.why] : []),
  ];
  if (reasons.length === 0) return test;
  const why = reasons.join('; ');
  const stand = ((title: string) => {
    if (REQUIRE_PEERS) {
      test(`${title} [peer missing]`, (t) => {
        t.fail(`Peer program missing: ${why}. DISTSEAL_REQUIRE_PEERS=1 turns this skip into a failure.`);
      });
    } else {
      process.stderr.write(`  skipped (peer missing: ${why}): ${title}\n`);
      test.skip(`${title} [skipped: ${why}]`, () => undefined);
    }
  }) as unknown as TestFn;
  return new Proxy(stand, {
    get: (_target, prop) => (prop === 'serial' ? stand : (test as any)[prop]),
  });
}
