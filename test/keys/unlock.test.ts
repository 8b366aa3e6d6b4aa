import { openSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import test from 'ava';
import * as openpgp from 'openpgp';
import { createContext } from '../../src/cli/context.js';
import { unlockOwnKey } from '../../src/cli/unlock.js';
import type { DistsealError } from '../../src/core/errors.js';
import { importKeys } from '../../src/core/keys/import.js';
import { KeyStore } from '../../src/core/keys/store.js';
import { unlockPrivateKey } from '../../src/core/secrets/passphrase.js';
import { KEYS_EXAMPLE, tempDir } from '../helpers/cli.js';
import { EXAMPLE_FPR, EXAMPLE_PASSPHRASE } from './helpers.js';

/** A non-interactive CLI context on a temp home with the example key, and a keychain that cannot connect. */
async function context(
  t: { teardown: (fn: () => Promise<void>) => void },
  env: Record<string, string> = {},
  stdinText = '',
) {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const home = path.join(dir, 'home');
  const store = await KeyStore.open({ home });
  await importKeys(store, await fs.readFile(path.join(KEYS_EXAMPLE, 'example-secret.asc')), {
    source: 'example',
  });
  const stderr = new PassThrough();
  let errText = '';
  stderr.on('data', (d: Buffer) => (errText += d.toString()));
  const ctx = createContext(
    { home, interactive: false },
    {
      env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus', ...env },
      stdin: Readable.from([Buffer.from(stdinText)]) as never,
      stdout: new PassThrough(),
      stderr,
    },
  );
  return { dir, ctx, stderr: () => errText };
}

test('unlockOwnKey: the default key, passphrase from DISTSEAL_PASSPHRASE, ready to sign', async (t) => {
  const { ctx } = await context(t, { DISTSEAL_PASSPHRASE: EXAMPLE_PASSPHRASE });
  const unlocked = await unlockOwnKey(ctx, {});
  t.is(unlocked.fingerprint, EXAMPLE_FPR);
  t.true(unlocked.privateKey.isDecrypted());
  t.true(unlocked.info.isDefault);
  const sig = await openpgp.sign({
    message: await openpgp.createMessage({ binary: new Uint8Array([7]) }),
    signingKeys: unlocked.privateKey,
    detached: true,
  });
  t.regex(String(sig), /BEGIN PGP SIGNATURE/);
});

test('unlockOwnKey: --passphrase-fd 0 reads stdin, and the flag wins over the environment', async (t) => {
  const { ctx } = await context(t, { DISTSEAL_PASSPHRASE: 'wrong-in-env' }, `${EXAMPLE_PASSPHRASE}\n`);
  const unlocked = await unlockOwnKey(ctx, { key: 'example@distseal.invalid', passphraseFd: 0 });
  t.true(unlocked.privateKey.isDecrypted());
});

test('unlockOwnKey: a wrong passphrase is E_BAD_PASSPHRASE (exit 2) naming where it came from, never the value', async (t) => {
  const { dir, ctx } = await context(t);
  const file = path.join(dir, 'pw');
  await fs.writeFile(file, 'definitely-wrong\n');
  const error = (await t.throwsAsync(unlockOwnKey(ctx, { passphraseFile: file }))) as DistsealError;
  t.is(error.code, 'E_BAD_PASSPHRASE');
  t.is(error.kind, 'input');
  t.regex(error.message, /--passphrase-file/);
  t.false(JSON.stringify(error.toJSON()).includes('definitely-wrong'));
});

test('unlockOwnKey: no source at all is a usage error naming every way; the keychain is said unavailable once', async (t) => {
  const { ctx, stderr } = await context(t);
  const error = (await t.throwsAsync(unlockOwnKey(ctx, {}))) as DistsealError;
  t.is(error.code, 'E_USAGE');
  t.regex(
    error.hint!,
    /--passphrase-file FILE or --passphrase-fd N, DISTSEAL_PASSPHRASE, the OS keychain .*, a prompt/,
  );
  // In-process the native keychain module sees this process's own D-Bus session (when the tests
  // run under with-secret-service.sh it is reachable): so "at most once", never repeated.
  t.true((stderr().match(/keychain is not reachable/g)?.length ?? 0) <= 1);
});

test('unlockOwnKey: a key without a passphrase unlocks without asking; a public-only key is E_NO_SECRET', async (t) => {
  const { dir, ctx } = await context(t);
  const store = await KeyStore.open({ home: ctx.home });
  const plain = await openpgp.generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ email: 'plain@example.org' }],
    subkeys: [{}, { sign: true }],
    format: 'object',
  });
  await importKeys(store, plain.privateKey.write(), { source: 'plain' });
  await importKeys(
    store,
    (
      await openpgp.generateKey({ userIDs: [{ email: 'pub@example.org' }], format: 'object' })
    ).publicKey.write(),
    { source: 'pub' },
  );
  const unlocked = await unlockOwnKey(ctx, { key: 'plain@example.org' });
  t.true(unlocked.privateKey.isDecrypted());
  const error = (await t.throwsAsync(unlockOwnKey(ctx, { key: 'pub@example.org' }))) as DistsealError;
  t.is(error.code, 'E_NO_SECRET');
  void dir;
});

test('unlockPrivateKey: a prompt is asked three times, then E_BAD_PASSPHRASE; a right answer on try 2 unlocks', async (t) => {
  const { privateKey } = await openpgp.generateKey({
    userIDs: [{ email: 'p@example.org' }],
    passphrase: 'right',
    format: 'object',
  });
  let asked = 0;
  const answers = ['no', 'right'];
  const ok = await unlockPrivateKey(privateKey, {
    fingerprint: 'X',
    sources: [{ name: 'a prompt', interactive: true, get: () => answers[asked++] }],
  });
  t.is(asked, 2);
  t.true(ok.privateKey.isDecrypted());
  asked = 0;
  const error = (await t.throwsAsync(
    unlockPrivateKey(privateKey, {
      fingerprint: 'X',
      sources: [
        {
          name: 'a prompt',
          interactive: true,
          get: () => {
            asked += 1;
            return 'no';
          },
        },
      ],
    }),
  )) as DistsealError;
  t.is(asked, 3);
  t.is(error.code, 'E_BAD_PASSPHRASE');
  // A stale keychain entry falls through to the next source.
  const fall = await unlockPrivateKey(privateKey, {
    fingerprint: 'X',
    sources: [
      { name: 'the OS keychain', fallThroughOnWrong: true, get: () => 'stale' },
      { name: 'a prompt', interactive: true, get: () => 'right' },
    ],
  });
  t.is(fall.source, 'a prompt');
});

test('two processes importing into one home at once: both keys land, no temp files left', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const home = path.join(dir, 'home');
  const keys = await Promise.all(
    [1, 2, 3, 4].map(
      async (i) =>
        (await openpgp.generateKey({ userIDs: [{ email: `k${i}@example.org` }], format: 'object' }))
          .privateKey,
    ),
  );
  const { runCli } = await import('../helpers/cli.js');
  const files = await Promise.all(
    keys.map(async (k, i) => {
      const f = path.join(dir, `k${i}.asc`);
      await fs.writeFile(f, k.armor());
      return f;
    }),
  );
  const results = await Promise.all(
    files.map((f) =>
      runCli(['--home', home, 'keys', 'import', f], {
        env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' },
      }),
    ),
  );
  t.deepEqual(
    results.map((r) => r.code),
    [0, 0, 0, 0],
    results.map((r) => r.stderr).join('\n'),
  );
  const stored = (await fs.readdir(path.join(home, 'keys'))).sort();
  t.deepEqual(stored, keys.map((k) => `${k.getFingerprint().toUpperCase()}.asc`).sort());
  t.false((await fs.readdir(home)).includes('.lock'));
  const config = JSON.parse(await fs.readFile(path.join(home, 'config.json'), 'utf8')) as {
    defaultKey: string;
  };
  t.true(
    keys.some((k) => k.getFingerprint().toUpperCase() === config.defaultKey),
    'exactly one of them became the default',
  );
});

test('unlockOwnKey: --passphrase-fd N reads another descriptor; no default key is E_NO_DEFAULT_KEY', async (t) => {
  const { dir, ctx } = await context(t);
  const file = path.join(dir, 'fd-pass');
  await fs.writeFile(file, `${EXAMPLE_PASSPHRASE}\nsecond line ignored\n`);
  // The descriptor is the CLI's to read and close (as gpg does); closing it here too could close
  // a number another concurrent test has been given meanwhile.
  const fd = openSync(file, 'r');
  const unlocked = await unlockOwnKey(ctx, { key: EXAMPLE_FPR, passphraseFd: fd });
  t.true(unlocked.privateKey.isDecrypted());
  const empty = (await tempDir()).dir;
  const bare = createContext(
    { home: empty, interactive: false },
    { env: {}, stdout: new PassThrough(), stderr: new PassThrough() },
  );
  const error = (await t.throwsAsync(unlockOwnKey(bare, {}))) as DistsealError;
  t.is(error.code, 'E_NO_DEFAULT_KEY');
  t.regex(error.hint!, /distseal keys generate/);
  await fs.rm(empty, { recursive: true, force: true });
});

test('unlockOwnKey refuses a revoked or an expired key before asking for a passphrase', async (t) => {
  const { ctx } = await context(t);
  const store = await KeyStore.open({ home: ctx.home });
  const past = new Date(Date.now() - 400 * 86400e3);
  const expired = await openpgp.generateKey({
    userIDs: [{ email: 'expired@example.org' }],
    date: past,
    keyExpirationTime: 86400,
    format: 'object',
  });
  const live = await openpgp.generateKey({ userIDs: [{ email: 'revoked@example.org' }], format: 'object' });
  const revoked = await openpgp.revokeKey({ key: live.privateKey, format: 'object' });
  await importKeys(store, expired.privateKey.write(), { source: 'expired' });
  await importKeys(store, revoked.privateKey.write(), { source: 'revoked' });
  t.is(
    ((await t.throwsAsync(unlockOwnKey(ctx, { key: 'expired@example.org' }))) as DistsealError).code,
    'E_KEY_EXPIRED',
  );
  t.is(
    ((await t.throwsAsync(unlockOwnKey(ctx, { key: 'revoked@example.org' }))) as DistsealError).code,
    'E_KEY_REVOKED',
  );
});
