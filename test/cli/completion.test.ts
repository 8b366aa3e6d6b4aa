import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { BIN, runCli, tempDir } from '../helpers/cli.js';
import { peerTest } from '../helpers/peers.js';

/** `distseal completion bash|zsh|fish` (issue 15 item 14), run in the real shell where it is installed. */
async function shim(t: { teardown: (fn: () => Promise<void>) => void }): Promise<string> {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const bin = path.join(dir, 'distseal');
  await fs.writeFile(bin, `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, { mode: 0o755 });
  return dir;
}

test('completion prints a script per shell; an unknown shell is a usage error', async (t) => {
  for (const [shell, marker] of [
    ['bash', /complete -o default -F _distseal_completions distseal/],
    ['zsh', /compdef _distseal distseal/],
    ['fish', /complete -c distseal/],
  ] as const) {
    const r = await runCli(['completion', shell]);
    t.is(r.code, 0, r.stderr);
    t.regex(r.stdout, marker);
  }
  t.is((await runCli(['completion', 'tcsh'])).code, 2);
});

test('the words come from the command tree: top level, a group, a leaf flag', async (t) => {
  const top = await runCli(['--get-yargs-completions', '']);
  for (const w of ['keys', 'sign', 'verify', 'upload', 'completion'])
    t.true(top.stdout.split('\n').includes(w));
  const keys = await runCli(['--get-yargs-completions', 'keys', '']);
  t.true(keys.stdout.split('\n').includes('generate'));
  const flags = await runCli(['--get-yargs-completions', 'upload', 'pypi', '--sk']);
  t.true(flags.stdout.split('\n').includes('--skip-existing'));
});

peerTest(['bash'])('bash: sourcing the script completes "distseal ke" to keys', async (t) => {
  const dir = await shim(t);
  const script = [
    'source <(distseal completion bash)',
    'COMP_WORDS=(distseal ke); COMP_CWORD=1; _distseal_completions; echo "${COMPREPLY[@]}"',
    'COMP_WORDS=(distseal keys re); COMP_CWORD=2; _distseal_completions; echo "${COMPREPLY[@]}"',
  ].join('\n');
  const r = spawnSync('bash', ['-c', script], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${dir}:${process.env.PATH}` },
  });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.stdout.trim().split('\n'), ['keys', 'revoke remember']);
});
