import { promises as fs } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { FIXTURES, KEYS_EXAMPLE, runCli, tempDir } from '../helpers/cli.js';

/** `-q`: one line per file, `OK file` / `FAIL file: reason`, as `sha256sum -c` prints (issue 15 item 13). */
test('verify -q and check -q print one line per file', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const home = path.join(dir, 'home');
  t.is(
    (await runCli(['--home', home, 'keys', 'import', path.join(KEYS_EXAMPLE, 'example-secret.asc')])).code,
    0,
  );
  const a = path.join(dir, 'a-1.0.tar.gz');
  const b = path.join(dir, 'b-1.0.tar.gz');
  await fs.writeFile(a, 'a');
  await fs.writeFile(b, 'b');
  const env = { DISTSEAL_PASSPHRASE: 'example-passphrase-do-not-use' };
  t.is((await runCli(['--home', home, 'sign', a, b], { env })).code, 0);
  await fs.appendFile(b, 'tampered');
  const keyring = path.join(KEYS_EXAMPLE, 'example-public.asc');
  const v = await runCli(['--home', home, '-q', 'verify', '--keyring', keyring, a, b], { cwd: dir });
  t.is(v.code, 3);
  const lines = v.stdout.trimEnd().split('\n');
  t.is(lines.length, 2, v.stdout);
  t.is(lines[0], 'OK a-1.0.tar.gz');
  t.regex(lines[1]!, /^FAIL b-1\.0\.tar\.gz: \S/);
  const py = path.join(FIXTURES, 'python');
  const c = await runCli(['-q', 'check', 'distseal_sample-1.0.0-py3-none-any.whl', 'make.sh'], { cwd: py });
  t.is(c.code, 2);
  const cl = c.stdout.trimEnd().split('\n');
  t.is(cl.length, 2, c.stdout);
  t.is(cl[0], 'OK distseal_sample-1.0.0-py3-none-any.whl');
  t.regex(cl[1]!, /^FAIL make\.sh: /);
});
