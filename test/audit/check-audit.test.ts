import path from 'node:path';
import test from 'ava';
import { ExitCode, exitCodeFor, FindingsError } from '../../src/core/errors.js';
import { FIXTURES, runCli } from '../helpers/cli.js';
import { WHEEL } from './helpers.js';

test('check --audit runs the audit in the pre-upload check: exit 4 on findings, the report under "audit"', async (t) => {
  const plain = await runCli(['check', WHEEL]);
  t.is(plain.code, 0, plain.stderr);
  const cli = await runCli(['check', WHEEL, '--audit', '--no-code', '--json']);
  t.is(cli.code, 4, cli.stderr);
  const doc = JSON.parse(cli.stdout);
  t.false(doc.ok);
  t.is(doc.results[0].status, 'passed');
  t.is(doc.audit.schema, 'distseal/audit@1');
  t.true(
    doc.audit.specifiers.some(
      (s: { name: string; level: string }) => s.name === 'requests' && s.level === 'error',
    ),
  );
  const clean = await runCli([
    'check',
    path.join(FIXTURES, 'python', 'distseal_sample-1.0.0-py3-none-any.whl'),
    '--audit',
    '--no-code',
  ]);
  t.is(clean.code, 0, clean.stdout + clean.stderr);
  t.regex(clean.stdout, /Audit: PASSED/);
  t.is(exitCodeFor(new FindingsError('x')), ExitCode.findings);
  t.is(ExitCode.findings, 4);
});
