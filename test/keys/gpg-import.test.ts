import { promises as fs } from 'node:fs';
import path from 'node:path';
import { runCli, tempDir } from '../helpers/cli.js';
import { peerTest } from '../helpers/peers.js';
import { colons, tempGnupg } from './gpg.js';

const NO_DBUS = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/distseal-test-bus' };
const PASS = 'gpg side passphrase';

interface ListedKey {
  fingerprint: string;
  userIDs: string[];
  algorithm: string;
  bits?: number;
  curve?: string;
  revoked: boolean;
  hasSecret: boolean;
  primarySecret: boolean;
  passphraseProtected: boolean;
  subkeys: Array<{ fingerprint: string; usage: string[]; expires: string | null; hasSecret: boolean }>;
}

/**
 * Keys made by gpg 2.2 (ed25519 and rsa3072, with and without passphrase, one with an expired
 * subkey, one revoked) and exported from gpg import into distseal with the same fingerprints
 * and the same flags.
 */
peerTest(['gpg'])(
  'gpg-generated keys import with the same fingerprints, algorithms, secrets, expiry and revocation',
  async (t) => {
    const g = await tempGnupg();
    t.teardown(g.cleanup);
    const loop = (pass: string) => ['--pinentry-mode', 'loopback', '--passphrase', pass];
    const gen = async (uid: string, algo: string, pass: string, extra: string[] = []) => {
      const r = await g.gpg([...loop(pass), ...extra, '--quick-gen-key', uid, algo, 'default', 'never']);
      t.is(r.code, 0, r.stderr);
      const list = await g.gpg(['--with-colons', '--list-keys', uid]);
      return colons(list.stdout, 'fpr')[0]![9]!;
    };
    const ed = await gen('Ed NoPass <ed@example.org>', 'future-default', '');
    const rsa = await gen('Rsa WithPass <rsa@example.org>', 'rsa3072', PASS);
    // A key from 2020 with a signing subkey that expired in January 2021.
    const old = await gen('Old Key <old@example.org>', 'ed25519', '', [
      '--faked-system-time',
      '20200101T000000!',
    ]);
    const add = await g.gpg([
      ...loop(''),
      '--faked-system-time',
      '20210101T000000!',
      '--quick-add-key',
      old,
      'ed25519',
      'sign',
      '1d',
    ]);
    t.is(add.code, 0, add.stderr);
    const gone = await gen('Revoked Key <revoked@example.org>', 'ed25519', '');
    // gpg 2.2 writes a revocation certificate at generation, its armor line guarded by a leading ':'.
    const rev = (await fs.readFile(path.join(g.home, 'openpgp-revocs.d', `${gone}.rev`), 'utf8')).replace(
      /^:-----BEGIN/m,
      '-----BEGIN',
    );
    t.is((await g.gpg(['--import'], rev)).code, 0);

    const { dir, cleanup } = await tempDir();
    t.teardown(cleanup);
    const home = path.join(dir, 'home');
    const cli = (args: string[], input?: string) =>
      runCli(['--home', home, ...args], { env: NO_DBUS, input });
    for (const fpr of [ed, old, gone]) {
      const file = path.join(dir, `${fpr}.gpg`);
      const exp = await g.gpg(['--export-secret-keys', fpr]);
      await fs.writeFile(file, exp.raw);
      const r = await cli(['keys', 'import', file]);
      t.is(r.code, 0, r.stderr);
    }
    const rsaFile = path.join(dir, 'rsa.asc');
    const rsaExp = await g.gpg([...loop(PASS), '--armor', '--export-secret-keys', rsa]);
    await fs.writeFile(rsaFile, rsaExp.raw);
    const fromStdin = await cli(['keys', 'import', '-'], rsaExp.stdout);
    t.is(fromStdin.code, 0, `an armored secret on stdin: ${fromStdin.stderr}`);

    const listed = (JSON.parse((await cli(['keys', 'list', '--json'])).stdout) as { results: ListedKey[] })
      .results;
    const byFpr = new Map(listed.map((k) => [k.fingerprint, k]));
    t.deepEqual([...byFpr.keys()].sort(), [ed, rsa, old, gone].sort(), 'same fingerprints');
    for (const fpr of [ed, rsa, old, gone]) {
      const gl = await g.gpg(['--with-colons', '--list-secret-keys', fpr]);
      const subs = colons(gl.stdout, 'fpr')
        .slice(1)
        .map((f) => f[9]);
      t.deepEqual(
        byFpr.get(fpr)!.subkeys.map((s) => s.fingerprint),
        subs,
        `${fpr}: same subkeys`,
      );
    }
    const e = byFpr.get(ed)!;
    t.is(e.algorithm, 'EdDSA');
    t.is(e.curve, 'Ed25519');
    t.deepEqual(e.userIDs, ['Ed NoPass <ed@example.org>']);
    t.true(e.hasSecret);
    t.false(e.passphraseProtected);
    t.deepEqual(
      e.subkeys.map((s) => s.usage),
      [['encrypt']],
    );
    const r = byFpr.get(rsa)!;
    t.is(r.algorithm, 'RSA');
    t.is(r.bits, 3072);
    t.true(r.passphraseProtected);
    const o = byFpr.get(old)!;
    const signing = o.subkeys.find((s) => s.usage.includes('sign'))!;
    t.is(signing.expires?.slice(0, 10), '2021-01-02', 'the expired subkey keeps its expiry');
    t.false(o.revoked);
    t.true(byFpr.get(gone)!.revoked);
    t.false(e.revoked);
    t.false(r.revoked);

    // The gpg passphrase unlocks the imported RSA key in distseal: prove it by changing it.
    const pw = path.join(dir, 'pw');
    const next = path.join(dir, 'next');
    await fs.writeFile(pw, `${PASS}\n`);
    await fs.writeFile(next, 'next one\n');
    const passwd = await cli(['keys', 'passwd', rsa, '--passphrase-file', pw, '--new-passphrase-file', next]);
    t.is(passwd.code, 0, passwd.stderr);
  },
);

peerTest(['gpg'])(
  'keys import --from-gpg takes the key from GNUPGHOME; gpg --export-secret-subkeys imports as sec#',
  async (t) => {
    const g = await tempGnupg();
    t.teardown(g.cleanup);
    const made = await g.gpg([
      '--pinentry-mode',
      'loopback',
      '--passphrase',
      PASS,
      '--quick-gen-key',
      'From Gpg <fromgpg@example.org>',
      'ed25519',
      'cert',
      'never',
    ]);
    t.is(made.code, 0, made.stderr);
    const fpr = colons(
      (await g.gpg(['--with-colons', '--list-keys', 'fromgpg@example.org'])).stdout,
      'fpr',
    )[0]![9]!;
    t.is(
      (
        await g.gpg([
          '--pinentry-mode',
          'loopback',
          '--passphrase',
          PASS,
          '--quick-add-key',
          fpr,
          'ed25519',
          'sign',
          'never',
        ])
      ).code,
      0,
    );
    const { dir, cleanup } = await tempDir();
    t.teardown(cleanup);
    const pw = path.join(dir, 'pw');
    await fs.writeFile(pw, `${PASS}\n`);
    const env = { ...NO_DBUS, GNUPGHOME: g.home };
    const a = await runCli(
      [
        '--home',
        path.join(dir, 'a'),
        'keys',
        'import',
        '--from-gpg',
        'fromgpg@example.org',
        '--passphrase-file',
        pw,
        '--json',
      ],
      { env },
    );
    t.is(a.code, 0, a.stderr);
    const imported = (JSON.parse(a.stdout) as { results: Array<{ fingerprint: string; hasSecret: boolean }> })
      .results;
    t.deepEqual(
      imported.map((i) => [i.fingerprint, i.hasSecret]),
      [[fpr, true]],
    );
    const missing = await runCli(
      ['--home', path.join(dir, 'a'), 'keys', 'import', '--from-gpg', 'nobody@example.org'],
      { env },
    );
    t.is(missing.code, 2);
    t.regex(missing.stderr, /gpg has no key matching "nobody@example\.org"/);
    // No terminal and no passphrase: gpg cannot export the secret; not a silent public-only import.
    const noPass = await runCli(
      ['--home', path.join(dir, 'c'), 'keys', 'import', '--from-gpg', 'fromgpg@example.org'],
      { env },
    );
    t.is(noPass.code, 2, noPass.stdout);
    t.regex(noPass.stderr, /gpg holds the secret key fromgpg@example\.org but did not export it/);
    t.regex(noPass.stderr, /--passphrase-file/);
    t.is(noPass.stdout, '');

    const subFile = path.join(dir, 'sub.gpg');
    const exp = await g.gpg([
      '--pinentry-mode',
      'loopback',
      '--passphrase',
      PASS,
      '--export-secret-subkeys',
      fpr,
    ]);
    await fs.writeFile(subFile, exp.raw);
    const b = await runCli(['--home', path.join(dir, 'b'), 'keys', 'import', subFile], { env: NO_DBUS });
    t.is(b.code, 0, b.stderr);
    const listed = (
      JSON.parse(
        (await runCli(['--home', path.join(dir, 'b'), 'keys', 'list', '--json'], { env: NO_DBUS })).stdout,
      ) as { results: ListedKey[] }
    ).results;
    t.is(listed[0]!.fingerprint, fpr);
    t.true(listed[0]!.hasSecret);
    t.false(listed[0]!.primarySecret, 'gnu-dummy primary');
    t.deepEqual(
      listed[0]!.subkeys.map((s) => [s.usage, s.hasSecret]),
      [[['sign'], true]],
    );
  },
);
