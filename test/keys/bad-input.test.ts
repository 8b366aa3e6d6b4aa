import { promises as fs } from 'node:fs';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { KEYS_EXAMPLE, runCli, tempDir } from '../helpers/cli.js';
import { EXAMPLE_FPR, EXAMPLE_PASSPHRASE, snapshotTree } from './helpers.js';

const NO_DBUS = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/distseal-test-bus' };

/**
 * The "bad input it must survive" list: each case gives a clear message naming the
 * file (or key), exit 2, and leaves the home byte-for-byte as it was.
 */
async function homeWithKeys(t: ExecutionContext) {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const home = path.join(dir, 'home');
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli(['--home', home, ...args], { env: { ...NO_DBUS, ...env } });
  // One secret key (the example) and one public-only key (the example's public part cannot be
  // both, so generate a second, unprotected key and keep only its public part).
  t.is((await cli(['keys', 'import', path.join(KEYS_EXAMPLE, 'example-secret.asc')])).code, 0);
  const other = await runCli(
    [
      '--home',
      path.join(dir, 'other'),
      'keys',
      'generate',
      '--email',
      'other@example.org',
      '--no-passphrase',
      '--json',
    ],
    { env: NO_DBUS },
  );
  const otherFpr = (JSON.parse(other.stdout) as { fingerprint: string }).fingerprint;
  const pub = path.join(dir, 'other-public.asc');
  t.is(
    (
      await runCli(['--home', path.join(dir, 'other'), 'keys', 'export', otherFpr, '-o', pub], {
        env: NO_DBUS,
      })
    ).code,
    0,
  );
  t.is((await cli(['keys', 'import', pub])).code, 0);
  return { dir, home, cli, otherFpr, before: await snapshotTree(home) };
}

async function writeBad(dir: string, name: string, data: string | Buffer): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, data);
  return file;
}

test('bad key files: empty, random bytes, truncated armor, bad CRC, a directory, a missing file', async (t) => {
  const { dir, home, cli, before } = await homeWithKeys(t);
  const armored = await fs.readFile(path.join(KEYS_EXAMPLE, 'example-public.asc'), 'utf8');
  const cases: Array<[string, string, RegExp]> = [
    ['empty', await writeBad(dir, 'empty.asc', ''), /empty\.asc is empty/],
    [
      'random bytes',
      await writeBad(dir, 'random.bin', Buffer.from('0b7e2c9d1f00aa55e3', 'hex')),
      /random\.bin is not an OpenPGP key/,
    ],
    [
      'truncated armor',
      await writeBad(dir, 'truncated.asc', armored.slice(0, Math.floor(armored.length / 2))),
      /truncated\.asc: the armored "PUBLIC KEY BLOCK" is truncated/,
    ],
    [
      'bad CRC',
      await writeBad(
        dir,
        'badcrc.asc',
        armored.replace(/^=(.{4})$/m, (_m, c: string) => (c === 'AAAA' ? '=BBBB' : '=AAAA')),
      ),
      /badcrc\.asc has a damaged armor block.*checksum/,
    ],
    ['a directory', dir, /Cannot read .*: it is a directory/],
    ['a missing file', path.join(dir, 'nope.asc'), /Cannot read .*nope\.asc: no such file/],
  ];
  for (const [what, file, message] of cases) {
    for (const command of [
      ['keys', 'import', file],
      ['trust', 'add', file],
    ]) {
      const r = await cli(command);
      t.is(r.code, 2, `${command.join(' ')} (${what}): ${r.stderr}`);
      t.regex(r.stderr, message, `${command[0]} ${what}`);
      t.regex(r.stderr, /hint:/, `${what}: says what to do`);
    }
  }
  t.is(await snapshotTree(home), before, 'nothing changed in the home');
});

test('a public key where a secret is needed; a wrong passphrase; unknown and ambiguous names', async (t) => {
  const { dir, home, cli, otherFpr, before } = await homeWithKeys(t);
  const wrong = await writeBad(dir, 'wrong-pass', 'not the passphrase\n');
  const newPass = await writeBad(dir, 'new-pass', 'a new one\n');
  const cases: Array<[string[], RegExp, Record<string, string>?]> = [
    [
      ['keys', 'export', otherFpr, '--secret', '-o', path.join(dir, 'x.asc')],
      /Only the public part of key .* no secret key to export/,
    ],
    [['keys', 'passwd', otherFpr], /Only the public part/],
    [['keys', 'default', otherFpr], /has no secret here/],
    [
      ['keys', 'passwd', EXAMPLE_FPR, '--passphrase-file', wrong, '--new-passphrase-file', newPass],
      /Wrong passphrase for key 2D28D366.*--passphrase-file/,
    ],
    [
      ['keys', 'revoke', EXAMPLE_FPR, '--yes'],
      /Wrong passphrase .*DISTSEAL_PASSPHRASE/,
      { DISTSEAL_PASSPHRASE: 'nope' },
    ],
    [
      ['keys', 'passwd', EXAMPLE_FPR, '--new-passphrase-file', newPass],
      /No passphrase was given .*--passphrase-file FILE.*DISTSEAL_PASSPHRASE.*keychain.*prompt/s,
    ],
    [['keys', 'export', 'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF'], /No key matching "F{40}" in your keys/],
    [['keys', 'export', '1F11724B'], /too short to name a key safely/],
    [['keys', 'delete', 'nobody@example.org', '--yes'], /No key matching/],
    [['trust', 'remove', EXAMPLE_FPR], /No key matching .* in the trusted keyring/],
    [
      ['keys', 'revoke', EXAMPLE_FPR, '--yes', '--passphrase-file', path.join(dir, 'missing-pass')],
      /Cannot read --passphrase-file .*missing-pass: no such file/,
    ],
  ];
  for (const [args, message, env] of cases) {
    const r = await cli(args, env);
    t.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    t.regex(r.stderr, message, args.join(' '));
    t.false(
      r.stderr.includes(EXAMPLE_PASSPHRASE) || r.stderr.includes('not the passphrase'),
      'no passphrase in messages',
    );
  }
  // "example" is in both user IDs (example@distseal.invalid, other@example.org).
  const amb = await cli(['keys', 'export', 'example']);
  t.is(amb.code, 2);
  t.regex(amb.stderr, /"example" matches 2 keys in your keys: .*hint: Name the key by its full fingerprint/s);
  t.is(await snapshotTree(home), before, 'nothing changed in the home');
});

test('generate refuses a control-character user ID and an expiry in the past, writing nothing', async (t) => {
  const { home, cli, before } = await homeWithKeys(t);
  const cases: Array<[string[], RegExp]> = [
    [['--name', 'Evil\u001b[2J Name'], /control characters/],
    [['--name', 'Two\nLines'], /control characters/],
    [['--email', 'bad@exa\u0007mple.org'], /control characters/],
    [['--email', 'a@example.org', '--expires', '2001-01-01'], /--expires 2001-01-01 is in the past/],
    [['--email', 'a@example.org', '--expires', 'tomorrow'], /is not an expiry/],
    [['--email', 'a@example.org', '--algo', 'dsa'], /Invalid values|Choices/],
  ];
  for (const [args, message] of cases) {
    const r = await cli(['keys', 'generate', '--no-passphrase', ...args]);
    t.is(r.code, 2, `${JSON.stringify(args)}: ${r.stderr}`);
    t.regex(r.stderr, message);
  }
  t.is(await snapshotTree(home), before);
});

test('a home on a read-only path: exit 2 naming the home, nothing created', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(async () => {
    await fs.chmod(path.join(dir, 'ro'), 0o700).catch(() => undefined);
    await cleanup();
  });
  // As root, permission bits do not stop writes: use sysfs, which refuses new directories.
  let home = '/sys/distseal-test-home';
  if (process.getuid?.() !== 0) {
    await fs.mkdir(path.join(dir, 'ro'), { mode: 0o500 });
    home = path.join(dir, 'ro', 'home');
  }
  const r = await runCli(['--home', home, 'keys', 'import', path.join(KEYS_EXAMPLE, 'example-public.asc')], {
    env: NO_DBUS,
  });
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, new RegExp(`Cannot write to the distseal home ${home.replace(/[/.]/g, '\\$&')}`));
  t.regex(r.stderr, /--home DIR or DISTSEAL_HOME/);
  await t.throwsAsync(fs.stat(home));
});

test('unsafe permissions on the home and a secret file are warned about', async (t) => {
  const { home, cli } = await homeWithKeys(t);
  await fs.chmod(home, 0o755);
  await fs.chmod(path.join(home, 'keys', `${EXAMPLE_FPR}.asc`), 0o644);
  const r = await cli(['keys', 'list']);
  t.is(r.code, 0);
  t.regex(r.stderr, /unsafe permissions on the distseal home .* \(755\).*chmod 700/);
  t.regex(r.stderr, /unsafe permissions on the secret file .*2D28D366.*\.asc \(644\).*chmod 600/);
});
