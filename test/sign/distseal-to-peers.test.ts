import anyTest, { type TestFn } from 'ava';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { signFiles } from '../../src/core/sign/index.js';
import { havePeer, peerTest } from '../helpers/peers.js';
import { GpgHome } from '../verify/gpg-home.js';
import { testKey } from './keys.js';

/**
 * distseal -> gpg --verify, gpgv, sqv, rnp --verify: what `distseal sign` writes is accepted by
 * all four, for an Ed25519 key with a signing subkey, an RSA key, and a gpg key of which only the
 * signing subkey's secret was exported (gnu-dummy primary). A tampered copy fails in each.
 */
interface Ctx {
  gpg: GpgHome;
  dir: string;
}
const test = anyTest as TestFn<Ctx>;
const ptest = peerTest(['gpg', 'gpgv', 'sqv', 'rnp']) as TestFn<Ctx>;

if (['gpg', 'gpgv', 'sqv', 'rnp'].every(havePeer)) {
  test.before(async (t) => {
    const gpg = new GpgHome();
    const dir = path.join(gpg.dir, 'work');
    await fs.mkdir(dir);
    t.context = { gpg, dir };
  });
  test.after.always(async (t) => t.context.gpg?.cleanup());
}

interface Signed {
  file: string;
  asc: string;
  pubArmored: string;
  pubBinary: string;
  primary: string;
  signingKey: string;
}

async function signWith(t: { context: Ctx }, name: string, privateKey: openpgp.PrivateKey): Promise<Signed> {
  const file = path.join(t.context.dir, `${name}-1.0-py3-none-any.whl`);
  await fs.writeFile(
    file,
    Buffer.concat([Buffer.from(`wheel bytes for ${name}\r\n`), Buffer.from([0, 1, 2, 255])]),
  );
  const [r] = await signFiles({ files: [file], signingKey: privateKey });
  const pub = privateKey.toPublic();
  const pubArmored = path.join(t.context.dir, `${name}.pub.asc`);
  const pubBinary = path.join(t.context.dir, `${name}.pub.gpg`);
  await fs.writeFile(pubArmored, pub.armor());
  await fs.writeFile(pubBinary, pub.write());
  return {
    file,
    asc: r!.signatureFile,
    pubArmored,
    pubBinary,
    primary: r!.primaryFingerprint,
    signingKey: r!.signingKeyFingerprint,
  };
}

/** Run all four verifiers; returns their exit statuses and the facts they print. */
function peers(t: { context: Ctx }, s: Signed, data = s.file) {
  const g = t.context.gpg;
  g.gpg(['--import', s.pubArmored]);
  const gpg = g.gpg(['--status-fd', '1', '--verify', s.asc, data], { check: false });
  const gpgv = g.run('gpgv', ['--keyring', s.pubBinary, s.asc, data], { check: false });
  const sqv = g.run('sqv', ['--keyring', s.pubArmored, s.asc, data], { check: false });
  const rnpHome = path.join(t.context.dir, 'rnp-home');
  const rnp = g.run(
    'rnp',
    ['--homedir', rnpHome, '--keyfile', s.pubArmored, '--verify', s.asc, '--source', data],
    { check: false },
  );
  return { gpg, gpgv, sqv, rnp };
}

async function assertAccepted(t: any, s: Signed) {
  const r = peers(t, s);
  t.is(r.gpg.status, 0, r.gpg.stderr);
  const validsig = /\[GNUPG:\] VALIDSIG (\w+) .* (\w+)$/m.exec(r.gpg.stdout.toString());
  t.truthy(validsig, r.gpg.stdout.toString());
  t.is(validsig![1], s.signingKey);
  t.is(validsig![2], s.primary);
  t.regex(r.gpg.stdout.toString(), /SIG_ID|GOODSIG/);
  t.is(r.gpgv.status, 0, r.gpgv.stderr);
  t.is(r.sqv.status, 0, r.sqv.stderr);
  t.is(r.sqv.stdout.toString().trim(), s.primary);
  t.is(r.rnp.status, 0, r.rnp.stderr);
  t.regex(r.rnp.stderr + r.rnp.stdout.toString(), /Good signature/);

  const tampered = `${s.file}.tampered`;
  const bytes = await fs.readFile(s.file);
  bytes[0] = bytes[0]! ^ 1;
  await fs.writeFile(tampered, bytes);
  const bad = peers(t, s, tampered);
  t.not(bad.gpg.status, 0);
  t.not(bad.gpgv.status, 0);
  t.not(bad.sqv.status, 0);
  t.not(bad.rnp.status, 0);
}

ptest('Ed25519 key with a signing subkey: gpg, gpgv, sqv and rnp accept the .asc', async (t) => {
  const k = await testKey('ed25519-subkey');
  const s = await signWith(t, 'edsub', k.privateKey);
  t.not(s.signingKey, s.primary);
  await assertAccepted(t, s);
});

ptest('Ed25519 primary-only key: all four accept', async (t) => {
  const k = await testKey('ed25519');
  const s = await signWith(t, 'ed', k.privateKey);
  t.is(s.signingKey, s.primary);
  await assertAccepted(t, s);
});

ptest('RSA-3072 key: all four accept', async (t) => {
  const k = await testKey('rsa3072');
  const s = await signWith(t, 'rsa', k.privateKey);
  await assertAccepted(t, s);
});

ptest(
  'gpg key exported with only its signing subkey secret: distseal signs with the subkey, all four accept',
  async (t) => {
    const g = t.context.gpg;
    const primary = g.genKey('Subkey Only <subonly@example.invalid>', 'ed25519', { usage: 'cert' });
    const sub = g.addSigningSubkey(primary);
    const secret = g.gpg(['--armor', '--export-secret-subkeys', primary]).stdout.toString();
    const key = await openpgp.readPrivateKey({ armoredKey: secret });
    t.true((key.keyPacket as openpgp.SecretKeyPacket).isDummy());
    const s = await signWith(t, 'subonly', key);
    t.is(s.primary, primary);
    t.is(s.signingKey, sub);
    await assertAccepted(t, s);
  },
);
