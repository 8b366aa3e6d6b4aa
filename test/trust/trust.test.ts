import { promises as fs } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { KeyStore } from '../../src/core/keys/store.js';
import { allowedSigners } from '../../src/core/trust/policy.js';
import { KEYS_EXAMPLE, runCli, tempDir } from '../helpers/cli.js';
import { EXAMPLE_FPR } from '../keys/helpers.js';

const NO_DBUS = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/distseal-test-bus' };

test('trust add/list/remove: one armored file per key, pins in policy.json, kept apart from own keys', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const home = path.join(dir, 'home');
  const cli = (args: string[]) => runCli(['--home', home, ...args], { env: NO_DBUS });
  // A second key to pin alongside the example.
  const other = await runCli(
    [
      '--home',
      path.join(dir, 'other'),
      'keys',
      'generate',
      '--email',
      'maint@example.org',
      '--no-passphrase',
      '--json',
    ],
    { env: NO_DBUS },
  );
  const otherFpr = (JSON.parse(other.stdout) as { fingerprint: string }).fingerprint;
  const otherPub = path.join(dir, 'other.asc');
  await runCli(['--home', path.join(dir, 'other'), 'keys', 'export', otherFpr, '-o', otherPub], {
    env: NO_DBUS,
  });

  const add = await cli([
    'trust',
    'add',
    path.join(KEYS_EXAMPLE, 'example-public.asc'),
    '--for',
    'Foo_Bar.baz',
    '--for',
    'conda:NumPy',
    '--json',
  ]);
  t.is(add.code, 0, add.stderr);
  t.deepEqual(
    (JSON.parse(add.stdout) as { results: Array<{ fingerprint: string; projects: string[] }> }).results.map(
      (k) => [k.fingerprint, k.projects],
    ),
    [[EXAMPLE_FPR, ['conda:numpy', 'foo-bar-baz']]],
  );
  t.is((await cli(['trust', 'add', otherPub, '--for', 'foo-bar-baz'])).code, 0);
  t.deepEqual(
    (await fs.readdir(path.join(home, 'trusted'))).sort(),
    [`${EXAMPLE_FPR}.asc`, `${otherFpr}.asc`, 'policy.json'].sort(),
  );
  t.deepEqual(await fs.readdir(path.join(home, 'keys')), [], 'trusted keys are not own keys');

  const store = await KeyStore.open({ home });
  t.deepEqual(
    (await store.trustedKeys()).map((k) => k.getFingerprint().toUpperCase()).sort(),
    [EXAMPLE_FPR, otherFpr].sort(),
  );
  t.true((await store.trustedKeys()).every((k) => !k.isPrivate()));
  const policy = await store.trustPolicy();
  t.deepEqual(
    allowedSigners(policy, { ecosystem: 'python', name: 'foo-bar-baz' })?.fingerprints.sort(),
    [EXAMPLE_FPR, otherFpr].sort(),
  );
  t.deepEqual(allowedSigners(policy, { ecosystem: 'conda', name: 'numpy' })?.fingerprints, [EXAMPLE_FPR]);
  t.is(
    allowedSigners(policy, { ecosystem: 'python', name: 'numpy' }),
    undefined,
    'a conda pin does not pin the PyPI project',
  );

  const list = JSON.parse((await cli(['trust', 'list', '--json'])).stdout) as {
    results: Array<{ fingerprint: string; projects: string[] }>;
  };
  t.deepEqual(list.results.find((k) => k.fingerprint === otherFpr)?.projects, ['foo-bar-baz']);
  t.regex((await cli(['trust', 'list'])).stdout, /may sign: conda:numpy, foo-bar-baz/);

  const again = await cli(['trust', 'add', path.join(KEYS_EXAMPLE, 'example-public.asc')]);
  t.regex(again.stdout, /Unchanged public key 2D28D366/, 'idempotent');

  const remove = await cli(['trust', 'remove', 'maint@example.org', '--json']);
  t.is(remove.code, 0, remove.stderr);
  t.deepEqual((JSON.parse(remove.stdout) as { unpinned: string[] }).unpinned, ['foo-bar-baz']);
  const rmExample = await cli(['trust', 'remove', EXAMPLE_FPR]);
  t.regex(rmExample.stdout, /nothing verifies for them until you pin one/);
  const after = await (await KeyStore.open({ home })).trustPolicy();
  t.deepEqual(
    after.projects,
    { 'conda:numpy': [], 'foo-bar-baz': [] },
    'emptied pins stay, so verification fails closed',
  );
});

test('trust add of a SECRET key stores only its public part and says so; a bad --for name is refused', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const home = path.join(dir, 'home');
  const r = await runCli(['--home', home, 'trust', 'add', path.join(KEYS_EXAMPLE, 'example-secret.asc')], {
    env: NO_DBUS,
  });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /holds the SECRET key .* only its public part/);
  const text = await fs.readFile(path.join(home, 'trusted', `${EXAMPLE_FPR}.asc`), 'utf8');
  t.regex(text, /BEGIN PGP PUBLIC KEY BLOCK/);
  t.notRegex(text, /PRIVATE/);
  const bad = await runCli(
    ['--home', home, 'trust', 'add', path.join(KEYS_EXAMPLE, 'example-public.asc'), '--for', '../etc'],
    { env: NO_DBUS },
  );
  t.is(bad.code, 2);
  t.regex(bad.stderr, /--for \.\.\/etc: not a project name/);
});
