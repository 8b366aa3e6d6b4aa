import test from 'ava';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { redact } from '../../src/cli/output.js';
import { runCli, tempDir } from '../helpers/cli.js';

/**
 * Item 13 of issue 9: masking the passphrase wherever its value appeared gave it away
 * (with `DISTSEAL_PASSPHRASE=perf` the path /tmp/perf/x came out with stars in place of perf;
 * `2026` turned the year of every date into stars). Secrets stay out of messages by construction; only URL credentials, authorization
 * headers and token-shaped strings are masked.
 */

test('redact masks credentials where they can appear, and nothing else', (t) => {
  t.is(redact('GET https://alice:s3cret@example.org/x'), 'GET https://alice:********@example.org/x');
  t.is(redact('authorization: token abc123def456'), 'authorization: ********');
  t.is(redact('{"Authorization":"Basic dXNlcjpwYXNzd29yZA=="}'), '{"Authorization":"********"}');
  t.is(redact('sent Bearer eyJhbGciOiJIUzI1NiJ9.payload'), 'sent Bearer ********');
  const token = `pypi-${'A'.repeat(60)}`;
  t.is(redact(`the index echoed ${token}`), 'the index echoed pypi-********');
  for (const plain of [
    '/tmp/perf/x.asc',
    '"created": "2026-11-28T10:00:00.000Z"',
    'release-1.0.tar.gz: VERIFIED',
    'the token is read from ANACONDA_API_TOKEN',
  ])
    t.is(redact(plain), plain);
});

for (const passphrase of ['perf', '2026', 'release']) {
  test(`a passphrase "${passphrase}" that is also a path part, a year or a word is never masked in output`, async (t) => {
    t.timeout(120_000);
    const { dir, cleanup } = await tempDir('distseal-redact-');
    t.teardown(cleanup);
    const home = path.join(dir, 'home');
    const env = { DISTSEAL_PASSPHRASE: passphrase };
    const gen = await runCli(
      ['--home', home, 'keys', 'generate', '--name', 'Perf Release', '--email', 'perf@example.invalid'],
      { env },
    );
    t.is(gen.code, 0, gen.stderr);
    const folder = path.join(dir, 'perf', '2026');
    await fs.mkdir(folder, { recursive: true });
    const file = path.join(folder, 'release-1.0.tar.gz');
    await fs.writeFile(file, 'bytes\n');
    const text = await runCli(['--home', home, '--verbose', 'sign', file], { env });
    t.is(text.code, 0, text.stderr);
    const json = await runCli(['--home', home, '--json', 'sign', '--force', file], { env });
    t.is(json.code, 0, json.stderr);
    const all = [gen.stdout, gen.stderr, text.stdout, text.stderr, json.stdout, json.stderr].join('\n');
    t.false(all.includes('********'), all);
    t.true(text.stdout.includes(path.join('perf', '2026', 'release-1.0.tar.gz')), text.stdout);
    const created = JSON.stringify(JSON.parse(json.stdout)).match(/"created":"([^"]+)"/)?.[1];
    t.regex(created ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
  });
}
