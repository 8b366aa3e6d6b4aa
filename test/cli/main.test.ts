import test from 'ava';
import { runCli } from '../helpers/cli.js';

test('--help lists every top-level command and exits 0', async (t) => {
  const r = await runCli(['--help']);
  t.is(r.code, 0);
  for (const word of ['keys', 'trust', 'sign', 'verify', 'check', 'upload', 'channel', 'login'])
    t.regex(r.stdout, new RegExp(`distseal ${word}\\b`));
});

test('an unknown command is a usage error (exit 2) with a hint', async (t) => {
  const r = await runCli(['frobnicate']);
  t.is(r.code, 2);
  t.regex(r.stderr, /Unknown argument: frobnicate/);
  t.regex(r.stderr, /hint: Run `distseal --help`/);
});

test('no arguments without a terminal prints usage, not the wizard', async (t) => {
  const r = await runCli([]);
  t.is(r.code, 2);
  t.regex(r.stderr, /Name a command/);
});
