import { promises as fs } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import * as openpgp from 'openpgp';
import { KEYS_EXAMPLE, runCli, tempDir } from '../helpers/cli.js';
import { EXAMPLE_FPR, EXAMPLE_PASSPHRASE, modeOf } from './helpers.js';

/** Keep the keychain out of these tests: a D-Bus address that cannot connect. */
const NO_DBUS = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/distseal-test-bus' };

async function setup(t: { teardown: (fn: () => Promise<void>) => void }) {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const home = path.join(dir, 'home');
  const pw = path.join(dir, 'pw');
  await fs.writeFile(pw, 'correct horse battery\n', { mode: 0o600 });
  // A generous kill timer: RSA-4096 generation on a loaded CI machine can take a while.
  const cli = (args: string[], options: { input?: string; env?: Record<string, string> } = {}) =>
    runCli(['--home', home, ...args], {
      ...options,
      env: { ...NO_DBUS, ...options.env },
      timeoutMs: 110_000,
    });
  return { dir, home, pw, cli };
}

test('generate: v4 Ed25519 key with separate signing subkey, 0600 files, revocation certificate, first key is default', async (t) => {
  const { home, pw, cli } = await setup(t);
  const r = await cli([
    'keys',
    'generate',
    '--name',
    'Jane Doe',
    '--email',
    'jane@example.org',
    '--passphrase-file',
    pw,
    '--json',
  ]);
  t.is(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as {
    fingerprint: string;
    file: string;
    revocationCertificate: string;
    isDefault: boolean;
    key: { subkeys: Array<{ usage: string[]; curve: string }>; expires: string };
  };
  t.regex(out.fingerprint, /^[0-9A-F]{40}$/);
  t.true(out.isDefault);
  t.deepEqual(
    out.key.subkeys.map((s) => s.usage),
    [['encrypt'], ['sign']],
  );
  t.deepEqual(
    out.key.subkeys.map((s) => s.curve),
    ['Cv25519', 'Ed25519'],
  );
  const years = (Date.parse(out.key.expires) - Date.now()) / (365.25 * 86400e3);
  t.true(years > 1.9 && years < 2.1, 'default expiry is 2 years');
  t.is(await modeOf(home), 0o700);
  t.is(await modeOf(out.file), 0o600);
  t.is(await modeOf(out.revocationCertificate), 0o600);
  const key = await openpgp.readPrivateKey({ armoredKey: await fs.readFile(out.file, 'utf8') });
  t.is(key.keyPacket.version, 4);
  t.is(key.getAlgorithmInfo().algorithm, 'eddsaLegacy');
  t.false(key.isDecrypted(), 'the stored secret is passphrase-protected');
  await openpgp.decryptKey({ privateKey: key, passphrase: 'correct horse battery' });
  const rev = await fs.readFile(out.revocationCertificate, 'utf8');
  const revoked = await openpgp.revokeKey({
    key: key.toPublic(),
    revocationCertificate: rev,
    format: 'object',
  });
  t.true(await revoked.publicKey.isRevoked(), 'the revocation certificate revokes this key');
  const list = JSON.parse((await cli(['keys', 'list', '--json'])).stdout) as {
    results: Array<{ fingerprint: string; isDefault: boolean; hasSecret: boolean }>;
  };
  t.deepEqual(
    list.results.map((k) => [k.fingerprint, k.isDefault, k.hasSecret]),
    [[out.fingerprint, true, true]],
  );
  t.false(r.stdout.includes('correct horse'), 'the passphrase is never printed');
});

test('generate --algo rsa4096 --expires never --no-passphrase warns and makes an unprotected RSA key', async (t) => {
  const { cli } = await setup(t);
  const r = await cli([
    'keys',
    'generate',
    '--email',
    'rsa@example.org',
    '--algo',
    'rsa4096',
    '--expires',
    'never',
    '--no-passphrase',
    '--json',
  ]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /will have no passphrase/);
  const out = JSON.parse(r.stdout) as {
    key: { algorithm: string; bits: number; expires: string | null; passphraseProtected: boolean };
  };
  t.is(out.key.algorithm, 'RSA');
  t.is(out.key.bits, 4096);
  t.is(out.key.expires, null);
  t.false(out.key.passphraseProtected);
});

test('generate without any passphrase source, not interactive: exit 2 naming every way, nothing written', async (t) => {
  const { home, cli } = await setup(t);
  const r = await cli(['keys', 'generate', '--name', 'Jane Doe']);
  t.is(r.code, 2);
  t.regex(
    r.stderr,
    /--passphrase-file FILE, --passphrase-fd N, DISTSEAL_NEW_PASSPHRASE, DISTSEAL_PASSPHRASE, a prompt.*--no-passphrase/s,
  );
  await t.throwsAsync(fs.stat(home));
});

test('generate takes the passphrase from DISTSEAL_PASSPHRASE and from --passphrase-fd 0', async (t) => {
  const { cli } = await setup(t);
  const a = await cli(['keys', 'generate', '--email', 'env@example.org', '--json'], {
    env: { DISTSEAL_PASSPHRASE: 'from-the-env' },
  });
  t.is(a.code, 0, a.stderr);
  const b = await cli(['keys', 'generate', '--email', 'fd@example.org', '--passphrase-fd', '0', '--json'], {
    input: 'from-stdin\n',
  });
  t.is(b.code, 0, b.stderr);
  const fa = JSON.parse(a.stdout) as { file: string; isDefault: boolean };
  const fb = JSON.parse(b.stdout) as { file: string; isDefault: boolean };
  t.true(fa.isDefault);
  t.false(fb.isDefault, 'only the first key becomes the default');
  await openpgp.decryptKey({
    privateKey: await openpgp.readPrivateKey({ armoredKey: await fs.readFile(fa.file, 'utf8') }),
    passphrase: 'from-the-env',
  });
  await openpgp.decryptKey({
    privateKey: await openpgp.readPrivateKey({ armoredKey: await fs.readFile(fb.file, 'utf8') }),
    passphrase: 'from-stdin',
  });
  t.pass();
});

test('import is idempotent, merges, and sets the first secret key as default; export round-trips', async (t) => {
  const { dir, cli } = await setup(t);
  const pub = path.join(KEYS_EXAMPLE, 'example-public.asc');
  const sec = path.join(KEYS_EXAMPLE, 'example-secret.asc');
  const first = JSON.parse((await cli(['keys', 'import', pub, '--json'])).stdout) as {
    results: Array<{ status: string; hasSecret: boolean; madeDefault: boolean }>;
  };
  t.deepEqual(
    first.results.map((i) => [i.status, i.hasSecret, i.madeDefault]),
    [['new', false, false]],
  );
  const second = JSON.parse((await cli(['keys', 'import', sec, '--json'])).stdout) as {
    results: Array<{ status: string; changes: string[]; madeDefault: boolean }>;
  };
  t.is(second.results[0]!.status, 'updated');
  t.true(second.results[0]!.changes.includes('secret key added'));
  t.true(second.results[0]!.madeDefault);
  const again = await cli(['keys', 'import', sec]);
  t.regex(again.stdout, /Unchanged secret key 2D28D366/);
  const exported = await cli(['keys', 'export', EXAMPLE_FPR]);
  t.is(exported.code, 0);
  const key = await openpgp.readKey({ armoredKey: exported.stdout });
  t.false(key.isPrivate());
  t.is(key.getFingerprint().toUpperCase(), EXAMPLE_FPR);
  const out = path.join(dir, 'secret.asc');
  const s = await cli(['keys', 'export', 'example@distseal.invalid', '--secret', '-o', out]);
  t.is(s.code, 0, s.stderr);
  t.is(await modeOf(out), 0o600);
  const again2 = await cli(['keys', 'export', EXAMPLE_FPR, '--secret', '-o', out]);
  t.is(again2.code, 2, 'an existing file is not replaced without --force');
  const secret = await openpgp.readPrivateKey({ armoredKey: await fs.readFile(out, 'utf8') });
  await openpgp.decryptKey({ privateKey: secret, passphrase: EXAMPLE_PASSPHRASE });
  const bin = path.join(dir, 'public.gpg');
  t.is((await cli(['keys', 'export', EXAMPLE_FPR, '--binary', '-o', bin])).code, 0);
  t.is(
    (await openpgp.readKey({ binaryKey: await fs.readFile(bin) })).getFingerprint().toUpperCase(),
    EXAMPLE_FPR,
  );
});

test('export --subkeys-only: gnu-dummy primary, only the signing subkey secret, and it still signs', async (t) => {
  const { dir, cli } = await setup(t);
  await cli(['keys', 'import', path.join(KEYS_EXAMPLE, 'example-secret.asc')]);
  const out = path.join(dir, 'ci.asc');
  const r = await cli(['keys', 'export', EXAMPLE_FPR, '--subkeys-only', '-o', out]);
  t.is(r.code, 0, r.stderr);
  const key = await openpgp.readPrivateKey({ armoredKey: await fs.readFile(out, 'utf8') });
  t.true((key.keyPacket as openpgp.SecretKeyPacket).isDummy());
  t.deepEqual(
    key.subkeys.map((s) => (s.keyPacket as openpgp.SecretSubkeyPacket).isDummy()),
    [true, false],
  );
  const unlocked = await openpgp.decryptKey({ privateKey: key, passphrase: EXAMPLE_PASSPHRASE });
  const sig = await openpgp.sign({
    message: await openpgp.createMessage({ binary: new Uint8Array([1, 2, 3]) }),
    signingKeys: unlocked,
    detached: true,
    format: 'object',
  });
  const packet = sig.packets[0] as openpgp.SignaturePacket;
  t.is(
    Buffer.from(packet.issuerFingerprint!).toString('hex').toUpperCase(),
    'DEBFD1CB197CAE39BC62D80AF7FBEB7740336960',
    'the signing subkey signed',
  );
  // A second home that holds only the CI subkey can be listed and reports the missing primary secret.
  const ci = await runCli(['--home', path.join(dir, 'ci-home'), 'keys', 'import', out, '--json'], {
    env: NO_DBUS,
  });
  const imported = JSON.parse(ci.stdout) as { results: Array<{ hasSecret: boolean; madeDefault: boolean }> };
  t.deepEqual(
    imported.results.map((i) => [i.hasSecret, i.madeDefault]),
    [[true, true]],
  );
  const list = await runCli(['--home', path.join(dir, 'ci-home'), 'keys', 'list'], { env: NO_DBUS });
  t.regex(list.stdout, /^sec# /m);
});

test('delete needs --yes when not interactive; default, passwd and revoke work by flags', async (t) => {
  const { dir, home, pw, cli } = await setup(t);
  await cli(['keys', 'import', path.join(KEYS_EXAMPLE, 'example-secret.asc')]);
  const expw = path.join(dir, 'expw');
  await fs.writeFile(expw, `${EXAMPLE_PASSPHRASE}\n`);
  const del = await cli(['keys', 'delete', EXAMPLE_FPR]);
  t.is(del.code, 2);
  t.regex(del.stderr, /--yes/);
  t.is((await cli(['keys', 'default', '939327BD1F11724B'])).code, 0);
  const pass = await cli([
    'keys',
    'passwd',
    EXAMPLE_FPR,
    '--passphrase-file',
    expw,
    '--new-passphrase-file',
    pw,
  ]);
  t.is(pass.code, 0, pass.stderr);
  const stored = await openpgp.readPrivateKey({
    armoredKey: await fs.readFile(path.join(home, 'keys', `${EXAMPLE_FPR}.asc`), 'utf8'),
  });
  await t.throwsAsync(openpgp.decryptKey({ privateKey: stored, passphrase: EXAMPLE_PASSPHRASE }));
  await openpgp.decryptKey({ privateKey: stored, passphrase: 'correct horse battery' });
  const rev = await cli(
    ['keys', 'revoke', EXAMPLE_FPR, '--yes', '--reason', 'retired', '--message', 'moved on', '--json'],
    { env: { DISTSEAL_PASSPHRASE: 'correct horse battery' } },
  );
  t.is(rev.code, 0, rev.stderr);
  const after = await openpgp.readPrivateKey({
    armoredKey: await fs.readFile(path.join(home, 'keys', `${EXAMPLE_FPR}.asc`), 'utf8'),
  });
  t.true(await after.isRevoked());
  t.false(after.isDecrypted(), 'the revoked key is stored still encrypted');
  t.is(after.revocationSignatures[0]!.reasonForRevocationFlag, openpgp.enums.reasonForRevocation.keyRetired);
  t.is(after.revocationSignatures[0]!.reasonForRevocationString, 'moved on');
  const gone = await cli(['keys', 'delete', EXAMPLE_FPR, '--yes']);
  t.is(gone.code, 0);
  t.deepEqual(await fs.readdir(path.join(home, 'keys')), []);
});

test('revoke a public-only key with the revocation certificate kept in the home', async (t) => {
  const { dir, home, cli } = await setup(t);
  await cli(['keys', 'import', path.join(KEYS_EXAMPLE, 'example-public.asc')]);
  const r1 = await cli(['keys', 'revoke', EXAMPLE_FPR, '--yes']);
  t.is(r1.code, 2);
  t.regex(r1.stderr, /no revocation certificate/);
  const r2 = await cli([
    'keys',
    'revoke',
    EXAMPLE_FPR,
    '--yes',
    '--certificate',
    path.join(KEYS_EXAMPLE, 'example-revocation.asc'),
  ]);
  t.is(r2.code, 0, r2.stderr);
  const key = await openpgp.readKey({
    armoredKey: await fs.readFile(path.join(home, 'keys', `${EXAMPLE_FPR}.asc`), 'utf8'),
  });
  t.true(await key.isRevoked());
  void dir;
});

test('with no D-Bus session the commands work and say once that the keychain is unavailable', async (t) => {
  const { dir, cli } = await setup(t);
  await cli(['keys', 'import', path.join(KEYS_EXAMPLE, 'example-secret.asc')]);
  const list = await cli(['keys', 'list']);
  t.is(list.code, 0);
  t.is(list.stderr.match(/keychain is not reachable/g)?.length, 1);
  t.regex(list.stdout, /not in the keychain/);
  const expw = path.join(dir, 'expw');
  await fs.writeFile(expw, `${EXAMPLE_PASSPHRASE}\n`);
  const pass = await cli(['keys', 'passwd', EXAMPLE_FPR, '--new-passphrase-file', expw], {
    env: { DISTSEAL_PASSPHRASE: EXAMPLE_PASSPHRASE },
  });
  t.is(pass.code, 0, pass.stderr);
  t.true((pass.stderr.match(/keychain is not reachable/g)?.length ?? 0) <= 1);
  const remember = await cli(['keys', 'remember', EXAMPLE_FPR, '--passphrase-file', expw]);
  t.is(remember.code, 1, 'storing needs a keychain: an operational failure');
  t.regex(remember.stderr, /OS keychain is not available/);
  t.false(remember.stderr.includes(EXAMPLE_PASSPHRASE));
  // Said before the passphrase is asked for, in one message (no warning besides the error).
  const unasked = await cli(['keys', 'remember', EXAMPLE_FPR]);
  t.is(unasked.code, 1, unasked.stderr);
  t.regex(unasked.stderr, /OS keychain is not available: no D-Bus session/);
  t.notRegex(unasked.stderr, /passphrase-file|DISTSEAL_PASSPHRASE|not reachable/);
});
