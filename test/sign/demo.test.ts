import test from 'ava';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../helpers/cli.js';

/** The README's first command: the demo must run start to finish and show both exit codes. */
test('scripts/demo.sh signs, verifies (exit 0) and rejects the tampered wheel (exit 3)', (t) => {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('DISTSEAL_') && k !== 'CI') env[k] = v;
  const r = spawnSync('bash', [path.join(ROOT, 'scripts', 'demo.sh')], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 110_000,
  });
  t.is(r.status, 0, r.stdout + r.stderr);
  t.regex(
    r.stdout,
    /verify dist\/distseal_example-0\.1\.0-py3-none-any\.whl dist\/distseal-example-0\.1\.0\.tar\.gz\n[\s\S]*VERIFIED[\s\S]*-> exit code 0 \(expected 0\)/,
  );
  t.regex(
    r.stdout,
    /tampered\/distseal_example-0\.1\.0-py3-none-any\.whl: FAILED[\s\S]*-> exit code 3 \(expected 3\)/,
  );
  t.notRegex(r.stdout + r.stderr, /example-passphrase-do-not-use/);
});
