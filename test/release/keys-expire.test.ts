import test from 'ava';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { expireKey } from '../../src/core/keys/expire.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { peerTest } from '../helpers/peers.js';
import { snapshotTree } from '../keys/helpers.js';
import { GpgHome } from '../verify/gpg-home.js';

/**
 * `keys expire`: a key that expired a year ago is extended; signatures made afterwards are
 * accepted by distseal, gpg, sqv and rnp, and the key stays passphrase-protected.
 */
const PASS = 'expire-test-passphrase';
const DAY = 86_400_000;

async function expiredKey(): Promise<{ armored: string; fingerprint: string; key: openpgp.PrivateKey }> {
  const { privateKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name: 'Expired Maintainer', email: 'expired@example.invalid' }],
    subkeys: [{}, { sign: true }],
    date: new Date(Date.now() - 400 * DAY),
    keyExpirationTime: 30 * 86_400,
    passphrase: PASS,
    format: 'object',
    config: { v6Keys: false, aeadProtect: false },
  });
  return {
    armored: privateKey.armor(),
    fingerprint: privateKey.getFingerprint().toUpperCase(),
    key: privateKey,
  };
}

async function homeWith(armored: string) {
  const { dir, cleanup } = await tempDir('distseal-expire-');
  const home = path.join(dir, 'home');
  const keyFile = path.join(dir, 'secret.asc');
  await fs.writeFile(keyFile, armored);
  const imp = await runCli(['--home', home, 'keys', 'import', keyFile]);
  if (imp.code !== 0) throw new Error(`keys import failed: ${imp.stderr}`);
  const file = path.join(dir, 'demo-1.0-py3-none-any.whl');
  await fs.writeFile(file, 'wheel bytes\n'.repeat(50));
  return { dir, home, file, cleanup, env: { DISTSEAL_PASSPHRASE: PASS } };
}

test('core: "never" removes the expiry, keeps the secret encrypted, and leaves the input key alone', async (t) => {
  const k = await expiredKey();
  const decrypted = await openpgp.decryptKey({ privateKey: k.key, passphrase: PASS });
  const before = k.key.armor();
  const r = await expireKey({ stored: k.key, decrypted, expires: 'never' });
  t.is(r.expires, null);
  t.is(r.userIDs, 1);
  t.is(r.subkeys, 2);
  t.is(await r.key.getExpirationTime(), Infinity);
  t.false(r.key.isDecrypted());
  t.is(k.key.armor(), before);
  // Signing with the extended key works today (it failed before: the key was expired).
  await t.throwsAsync(() => decrypted.getSigningKey());
  const extended = await openpgp.decryptKey({ privateKey: r.key, passphrase: PASS });
  t.truthy(await extended.getSigningKey());
});

test('core: a subkeys-only copy (gnu-dummy primary) is refused', async (t) => {
  const k = await expiredKey();
  const decrypted = await openpgp.decryptKey({ privateKey: k.key, passphrase: PASS });
  const stub = await openpgp.readPrivateKey({ binaryKey: decrypted.write() });
  (stub.keyPacket as openpgp.SecretKeyPacket).makeDummy();
  const e = await t.throwsAsync(() => expireKey({ stored: stub, decrypted: stub, expires: '1y' }));
  t.is((e as { code?: string }).code, 'E_NO_PRIMARY_SECRET');
});

test('cli: a wrong passphrase changes nothing (exit 2)', async (t) => {
  const k = await expiredKey();
  const s = await homeWith(k.armored);
  t.teardown(s.cleanup);
  const before = await snapshotTree(s.home);
  const r = await runCli(['--home', s.home, 'keys', 'expire', k.fingerprint, '2y'], {
    env: { DISTSEAL_PASSPHRASE: 'wrong' },
  });
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, /Wrong passphrase/);
  t.is(await snapshotTree(s.home), before);
});

peerTest(['gpg', 'sqv', 'rnp'])(
  'cli: an expired key extended by 2y signs again, and gpg, sqv and rnp accept the new signature',
  async (t) => {
    const k = await expiredKey();
    const s = await homeWith(k.armored);
    t.teardown(s.cleanup);
    const refused = await runCli(['--home', s.home, 'sign', '--key', k.fingerprint, s.file], { env: s.env });
    t.is(refused.code, 2);
    t.regex(refused.stderr, /expired on/);

    const r = await runCli(['--home', s.home, '--json', 'keys', 'expire', k.fingerprint, '2y'], {
      env: s.env,
    });
    t.is(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    const expires = Date.parse(out.expires);
    t.true(Math.abs(expires - (Date.now() + 730 * DAY)) < 3 * DAY, out.expires);
    t.deepEqual(out.resigned, { userIDs: 1, subkeys: 2 });
    t.false(r.stdout.includes(PASS) || r.stderr.includes(PASS));

    const signed = await runCli(['--home', s.home, 'sign', '--key', k.fingerprint, s.file], { env: s.env });
    t.is(signed.code, 0, signed.stderr);
    const pub = path.join(s.dir, 'public.asc');
    const exp = await runCli(['--home', s.home, 'keys', 'export', k.fingerprint, '-o', pub]);
    t.is(exp.code, 0, exp.stderr);
    const asc = `${s.file}.asc`;

    const g = new GpgHome();
    t.teardown(() => g.cleanup());
    g.gpg(['--import', pub]);
    const colons = g.gpg(['--with-colons', '--list-keys', k.fingerprint]).stdout.toString();
    const pubLine = colons
      .split('\n')
      .find((l) => l.startsWith('pub:'))!
      .split(':');
    t.is(pubLine[1], '-', `gpg sees the key as valid: ${pubLine.join(':')}`); // not "e" (expired)
    t.true(Math.abs(Number(pubLine[6]) * 1000 - expires) < 2000);
    const v = g.gpg(['--status-fd', '1', '--verify', asc, s.file], { check: false });
    t.is(v.status, 0, v.stderr);
    t.regex(v.stdout.toString(), /GOODSIG/);
    t.notRegex(v.stdout.toString(), /EXPKEYSIG|KEYEXPIRED/);

    const sqv = g.run('sqv', ['--keyring', pub, asc, s.file], { check: false });
    t.is(sqv.status, 0, sqv.stderr);
    t.is(sqv.stdout.toString().trim(), k.fingerprint);
    const rnp = g.run(
      'rnp',
      ['--homedir', path.join(s.dir, 'rnp'), '--keyfile', pub, '--verify', asc, '--source', s.file],
      { check: false },
    );
    t.is(rnp.status, 0, rnp.stderr);
    t.regex(rnp.stderr + rnp.stdout.toString(), /Good signature/);
    t.notRegex(rnp.stderr + rnp.stdout.toString(), /expired/i);
  },
);
