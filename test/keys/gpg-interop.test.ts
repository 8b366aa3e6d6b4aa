import { promises as fs } from 'node:fs';
import path from 'node:path';
import { type ExecutionContext } from 'ava';
import { runCli, tempDir } from '../helpers/cli.js';
import { peerTest } from '../helpers/peers.js';
import { colons, run, tempGnupg } from './gpg.js';

const NO_DBUS = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/distseal-test-bus' };
const PASS = 'interop passphrase 1';

async function distsealKey(t: ExecutionContext, algo = 'ed25519') {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const home = path.join(dir, 'home');
  const pw = path.join(dir, 'pw');
  await fs.writeFile(pw, `${PASS}\n`);
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli(['--home', home, ...args], { env: { ...NO_DBUS, ...env } });
  const gen = await cli([
    'keys',
    'generate',
    '--name',
    'Interop Tester',
    '--email',
    'interop@example.org',
    '--algo',
    algo,
    '--passphrase-file',
    pw,
    '--json',
  ]);
  t.is(gen.code, 0, gen.stderr);
  const fpr = (JSON.parse(gen.stdout) as { fingerprint: string }).fingerprint;
  const pub = path.join(dir, 'public.asc');
  const sec = path.join(dir, 'secret.asc');
  const sub = path.join(dir, 'subkeys.asc');
  t.is((await cli(['keys', 'export', fpr, '-o', pub])).code, 0);
  t.is((await cli(['keys', 'export', fpr, '--secret', '-o', sec])).code, 0);
  t.is((await cli(['keys', 'export', fpr, '--subkeys-only', '-o', sub])).code, 0);
  return { dir, home, fpr, pub, sec, sub, cli };
}

peerTest(['gpg'])(
  'gpg 2.2 imports a distseal key (public and secret): same fingerprint and uid; the secret signs with the passphrase',
  async (t) => {
    const k = await distsealKey(t);
    const g = await tempGnupg();
    t.teardown(g.cleanup);
    const imp = await g.gpg(['--import', k.pub, k.sec]);
    t.is(imp.code, 0, imp.stderr);
    t.regex(imp.stderr, /secret keys imported: 1/);
    const list = await g.gpg(['--with-colons', '--list-secret-keys', k.fpr]);
    t.is(colons(list.stdout, 'fpr')[0]![9], k.fpr);
    t.is(colons(list.stdout, 'uid')[0]![9], 'Interop Tester <interop@example.org>');
    t.is(colons(list.stdout, 'ssb').length, 2);
    // Decrypting the secret in gpg: sign with the passphrase through loopback pinentry.
    const data = path.join(k.dir, 'data.txt');
    await fs.writeFile(data, 'interop\n');
    const wrong = await g.gpg(
      [
        '--pinentry-mode',
        'loopback',
        '--passphrase-fd',
        '0',
        '-u',
        k.fpr,
        '--detach-sign',
        '-o',
        `${data}.bad.sig`,
        data,
      ],
      'wrong\n',
    );
    t.not(wrong.code, 0, 'a wrong passphrase fails in gpg too');
    const sign = await g.gpg(
      [
        '--pinentry-mode',
        'loopback',
        '--passphrase-fd',
        '0',
        '-u',
        k.fpr,
        '--detach-sign',
        '-o',
        `${data}.sig`,
        data,
      ],
      `${PASS}\n`,
    );
    t.is(sign.code, 0, sign.stderr);
    const verify = await g.gpg(['--status-fd', '1', '--verify', `${data}.sig`, data]);
    t.regex(verify.stdout, new RegExp(`VALIDSIG [0-9A-F]{40} .* ${k.fpr}`));
  },
);

peerTest(['gpg'])(
  'gpg reads a --subkeys-only export as sec# (primary stub) with a usable signing subkey',
  async (t) => {
    const k = await distsealKey(t);
    const g = await tempGnupg();
    t.teardown(g.cleanup);
    t.is((await g.gpg(['--import', k.sub])).code, 0);
    const list = await g.gpg(['--with-colons', '--list-secret-keys', k.fpr]);
    // Field 15 of sec/ssb is the serial/stub marker: "#" means the secret is not here.
    t.is(colons(list.stdout, 'sec')[0]![14], '#');
    const data = path.join(k.dir, 'ci.txt');
    await fs.writeFile(data, 'ci\n');
    const sign = await g.gpg(
      [
        '--pinentry-mode',
        'loopback',
        '--passphrase-fd',
        '0',
        '-u',
        k.fpr,
        '--detach-sign',
        '-o',
        `${data}.sig`,
        data,
      ],
      `${PASS}\n`,
    );
    t.is(sign.code, 0, sign.stderr);
  },
);

peerTest(['sq'])('sq inspect reads the distseal public and secret key', async (t) => {
  const k = await distsealKey(t);
  const pub = await run('sq', ['inspect', k.pub]);
  t.is(pub.code, 0, pub.stderr);
  t.regex(pub.stdout, new RegExp(`Fingerprint: ${k.fpr}`, 'i'));
  t.regex(pub.stdout, /Interop Tester <interop@example\.org>/);
  t.regex(pub.stdout, /Key flags: signing/);
  const sec = await run('sq', ['inspect', k.sec]);
  t.is(sec.code, 0, sec.stderr);
  t.regex(sec.stdout, /Secret key: Encrypted/);
});

peerTest(['rnp', 'rnpkeys'])('rnp lists the packets and rnpkeys imports the distseal key', async (t) => {
  const k = await distsealKey(t);
  const packets = await run('rnp', ['--list-packets', k.pub]);
  t.is(packets.code, 0, packets.stderr);
  t.regex(packets.stdout, /public key packet/i);
  t.regex(packets.stdout, new RegExp(k.fpr.slice(-16), 'i'));
  const rhome = path.join(k.dir, 'rnp');
  await fs.mkdir(rhome, { mode: 0o700 });
  const imp = await run('rnpkeys', ['--homedir', rhome, '--import', k.sec]);
  t.is(imp.code, 0, imp.stderr);
  const list = await run('rnpkeys', ['--homedir', rhome, '--list-keys', '--with-sigs']);
  t.regex(list.stdout, /255\/EdDSA/i);
  t.regex(list.stdout, new RegExp(k.fpr.slice(-16).toLowerCase()));
});
