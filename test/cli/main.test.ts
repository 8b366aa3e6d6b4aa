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
  t.regex(r.stderr, /hint: The commands here are: .*Run `distseal --help`/);
});

test('no arguments without a terminal prints usage, not the wizard', async (t) => {
  const r = await runCli([]);
  t.is(r.code, 2);
  t.regex(r.stderr, /Name a command: keys/);
});

test('usage errors list the commands that may come next and suggest only close matches', async (t) => {
  const group = await runCli(['keys']);
  t.is(group.code, 2);
  t.regex(group.stderr, /Name a subcommand of keys: generate, import, export, list, revoke/);
  t.notRegex(group.stderr, /list above/);
  const upload = await runCli(['upload']);
  t.regex(upload.stderr, /Name a subcommand of upload: pypi, conda\./);
  const top = await runCli([]);
  t.regex(top.stderr, /Name a command: keys, trust, sign, verify, .*check, upload/);
  const bogus = await runCli(['bogus']);
  t.is(bogus.code, 2);
  t.notRegex(bogus.stderr, /Did you mean/);
  t.regex(bogus.stderr, /The commands here are: keys, trust, sign/);
  const typo = await runCli(['sing', 'x']);
  t.regex(typo.stderr, /Did you mean `distseal sign`\?/);
  const sub = await runCli(['keys', 'revok', 'x']);
  t.regex(sub.stderr, /Did you mean `distseal keys revoke`\?/);
});

test('close matches: typos and swaps, not unrelated words', async (t) => {
  const { closeMatch } = await import('../../src/cli/usage-help.js');
  const names = ['keys', 'trust', 'sign', 'verify', 'check', 'upload', 'channel', 'login'];
  t.is(closeMatch('sing', names), 'sign');
  t.is(closeMatch('verfiy', names), 'verify');
  t.is(closeMatch('chanel', names), 'channel');
  t.is(closeMatch('bogus', names), undefined);
  t.is(closeMatch('log', names), undefined);
});
