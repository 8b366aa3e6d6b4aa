import anyTest, { type TestFn } from 'ava';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadKeyring, verifyFile } from '../../src/core/verify/index.js';
import { havePeer, peerTest } from '../helpers/peers.js';
import { GpgHome } from './gpg-home.js';

/**
 * gpg -> distseal: signatures made by real GnuPG 2.2 in a throwaway GNUPGHOME. Keys are made at
 * test time (RSA once per size for the whole file); the must-fail cases fail with their reason.
 */
interface Ctx {
  gpg: GpgHome;
  dir: string;
  data: string;
  fpr: Record<string, string>;
  keyring: string;
}
const test = anyTest as TestFn<Ctx>;
const gtest = peerTest(['gpg']) as TestFn<Ctx>;

if (havePeer('gpg')) {
  test.before(async (t) => {
    const gpg = new GpgHome();
    const dir = path.join(gpg.dir, 'work');
    await fs.mkdir(dir);
    const data = path.join(dir, 'sample-1.0.tar.gz');
    await fs.writeFile(data, Buffer.from('a tiny sdist stand-in\n\x00\x01\xff'));
    const fpr: Record<string, string> = {};
    fpr.ed = gpg.genKey('Ed Signer <ed@example.invalid>', 'ed25519');
    fpr.other = gpg.genKey('Other Signer <other@example.invalid>', 'ed25519');
    for (const bits of [2048, 3072, 4096])
      fpr[`rsa${bits}`] = gpg.genKey(`RSA ${bits} <rsa${bits}@example.invalid>`, `rsa${bits}`);
    fpr.rsa1024 = gpg.genKey('RSA 1024 <rsa1024@example.invalid>', 'rsa1024');
    fpr.dsa = gpg.genKey('DSA <dsa@example.invalid>', 'dsa2048');
    fpr.sub = gpg.genKey('Subkey Signer <sub@example.invalid>', 'ed25519', { usage: 'cert' });
    fpr.subkey = gpg.addSigningSubkey(fpr.sub);
    fpr.revoked = gpg.genKey('Revoked <revoked@example.invalid>', 'ed25519');
    // Expired when it signed: sign at T0+4d while the key has no expiry, then add an older
    // self-signature (T0+1h) that sets a one-day expiry: at T0+4d the key had expired.
    fpr.expired = gpg.genKey('Expired <expired@example.invalid>', 'ed25519', {
      fakedTime: '20250101T000000!',
    });
    fpr.unknown = gpg.genKey('Not Trusted <unknown@example.invalid>', 'ed25519');
    fpr.sha1bound = gpg.genKey('SHA1 Bound <sha1bound@example.invalid>', 'rsa2048', {
      extra: ['--cert-digest-algo', 'SHA1'],
    });

    const sig = (
      name: string,
      signers: string[],
      opts: { digest?: string; binary?: boolean; fakedTime?: string; file?: string } = {},
    ) => gpg.sign(opts.file ?? data, path.join(dir, name), signers, opts);
    sig('ed.asc', [fpr.ed]);
    for (const bits of [2048, 3072, 4096]) sig(`rsa${bits}.asc`, [fpr[`rsa${bits}`]!]);
    sig('sha1.asc', [fpr.rsa2048!], { digest: 'SHA1' });
    sig('rsa1024.asc', [fpr.rsa1024!]);
    sig('dsa.asc', [fpr.dsa!]);
    sig('sub.asc', [`${fpr.subkey}!`]);
    sig('two.asc', [fpr.ed, fpr.rsa3072!]);
    sig('binary.sig', [fpr.ed], { binary: true });
    sig('revoked.asc', [fpr.revoked]);
    await gpg.revokeNow(fpr.revoked);
    sig('expired.asc', [fpr.expired], { fakedTime: '20250105T000000!' });
    gpg.gpg(['--quick-set-expire', fpr.expired, '1d'], { fakedTime: '20250101T010000!' });
    sig('unknown.asc', [fpr.unknown]);
    sig('sha1bound.asc', [fpr.sha1bound], { digest: 'SHA256' });
    sig('good-and-unknown.asc', [fpr.ed, fpr.unknown]);
    const other = path.join(dir, 'other-1.0.tar.gz');
    await fs.writeFile(other, 'another file\n');
    sig('wrong-file.asc', [fpr.ed], { file: other });

    const keyring = path.join(dir, 'trusted.gpg');
    const trusted = Object.entries(fpr)
      .filter(([k]) => !['unknown', 'subkey'].includes(k))
      .map(([, v]) => v);
    await fs.writeFile(keyring, gpg.exportBinary(...trusted));
    t.context = { gpg, dir, data, fpr, keyring };
  });
  test.after.always(async (t) => t.context.gpg?.cleanup());
}

async function check(t: { context: Ctx }, sigName: string, keyringOverride?: string) {
  const keys = await loadKeyring([keyringOverride ?? t.context.keyring]);
  return verifyFile({ file: t.context.data, signatureFile: path.join(t.context.dir, sigName), keys });
}

gtest('gpg ed25519 signature (SHA-256 default) verifies, with every fact reported', async (t) => {
  const r = await check(t, 'ed.asc');
  t.true(r.verified, JSON.stringify(r.problems));
  const s = r.signatures[0]!;
  t.is(s.primaryFingerprint, t.context.fpr.ed);
  t.is(s.hashAlgorithm, 'SHA256');
  t.is(s.keyAlgorithm, 'EdDSA');
  t.is(s.keyCurve, 'ed25519');
  t.is(s.userID, 'Ed Signer <ed@example.invalid>');
  t.is(s.signatureType, 'binary');
  t.is(s.validAtSigning, 'valid');
  t.regex(s.created!, /^\d{4}-\d\d-\d\dT.*Z$/);
});

for (const bits of [2048, 3072, 4096]) {
  gtest(`gpg RSA-${bits} signature verifies`, async (t) => {
    const r = await check(t, `rsa${bits}.asc`);
    t.true(r.verified, JSON.stringify(r.problems));
    t.is(r.signatures[0]!.keyAlgorithm, 'RSA');
    t.is(r.signatures[0]!.keyBits, bits);
  });
}

gtest('gpg signing-subkey signature verifies and names the subkey', async (t) => {
  const r = await check(t, 'sub.asc');
  t.true(r.verified, JSON.stringify(r.problems));
  t.is(r.signatures[0]!.primaryFingerprint, t.context.fpr.sub);
  t.is(r.signatures[0]!.signingKeyFingerprint, t.context.fpr.subkey);
});

gtest('two gpg signatures in one .asc: both examined, threshold 2 met', async (t) => {
  const keys = await loadKeyring([t.context.keyring]);
  const r = await verifyFile({
    file: t.context.data,
    signatureFile: path.join(t.context.dir, 'two.asc'),
    keys,
    threshold: 2,
  });
  t.true(r.verified, JSON.stringify(r.problems));
  t.is(r.signatures.length, 2);
  t.is(r.goodSignatures, 2);
  t.deepEqual(
    new Set(r.signatures.map((s) => s.primaryFingerprint)),
    new Set([t.context.fpr.ed, t.context.fpr.rsa3072]),
  );
  const three = await verifyFile({
    file: t.context.data,
    signatureFile: path.join(t.context.dir, 'two.asc'),
    keys,
    threshold: 3,
  });
  t.false(three.verified);
  t.is(three.problems[0]!.code, 'E_THRESHOLD');
});

gtest('gpg binary .sig beside the file is found and verifies', async (t) => {
  const file = path.join(t.context.dir, 'bin-1.0.tar.gz');
  await fs.copyFile(t.context.data, file);
  await fs.copyFile(path.join(t.context.dir, 'binary.sig'), `${file}.sig`);
  const r = await verifyFile({ file, keys: await loadKeyring([t.context.keyring]) });
  t.true(r.verified, JSON.stringify(r.problems));
  t.is(r.signatureFile, `${file}.sig`);
});

const mustFail: Array<[string, string, string]> = [
  ['SHA-1 digest', 'sha1.asc', 'E_WEAK_HASH'],
  ['RSA-1024 key', 'rsa1024.asc', 'E_WEAK_KEY'],
  ['DSA key', 'dsa.asc', 'E_WEAK_ALGORITHM'],
  ['hard-revoked key', 'revoked.asc', 'E_KEY_REVOKED'],
  ['key expired when it signed', 'expired.asc', 'E_KEY_EXPIRED'],
  ['signature of another file', 'wrong-file.asc', 'E_BAD_SIGNATURE'],
  ['key not in the keyring', 'unknown.asc', 'E_UNKNOWN_KEY'],
];
for (const [what, sigName, code] of mustFail) {
  gtest(`gpg ${what}: fails with ${code}`, async (t) => {
    const r = await check(t, sigName);
    t.false(r.verified);
    t.is(r.signatures.length, 1);
    t.not(r.signatures[0]!.verdict, 'good');
    t.is(r.signatures[0]!.reason.code, code, r.signatures[0]!.reason.message);
    t.truthy(r.signatures[0]!.reason.hint);
    t.is(r.problems[0]!.code, code);
  });
}

gtest('unknown signer: names the key ID and suggests trust add', async (t) => {
  const r = await check(t, 'unknown.asc');
  const s = r.signatures[0]!;
  t.is(s.verdict, 'could-not-check');
  t.true(t.context.fpr.unknown!.endsWith(s.keyID!));
  t.true(s.reason.message.includes(t.context.fpr.unknown!) || s.reason.message.includes(s.keyID!));
  t.regex(s.reason.hint!, /distseal trust add/);
});

gtest('mixed good and unknown signatures: verified by the good one, the unknown reported', async (t) => {
  const r = await check(t, 'good-and-unknown.asc');
  t.true(r.verified);
  t.deepEqual(r.signatures.map((s) => s.verdict).sort(), ['could-not-check', 'good']);
});

gtest('expired-at-signing hint says to refresh the key and gives the date', async (t) => {
  const r = await check(t, 'expired.asc');
  t.regex(r.signatures[0]!.reason.hint!, /Refresh the key: the copy you trust expired on 2025-01-0\d/);
});

gtest('keyrings: armored multi-key export, binary export and GnuPG pubring.kbx all load', async (t) => {
  const armored = path.join(t.context.dir, 'two-keys.asc');
  // Two separate armor blocks in one file: openpgp.js alone would read only the first.
  await fs.writeFile(
    armored,
    t.context.gpg.exportPublic(t.context.fpr.ed) + t.context.gpg.exportPublic(t.context.fpr.rsa2048!),
  );
  const fromArmored = await loadKeyring([armored]);
  t.deepEqual(
    fromArmored.map((k) => k.getFingerprint().toUpperCase()).sort(),
    [t.context.fpr.ed, t.context.fpr.rsa2048].sort(),
  );
  const kbx = await loadKeyring([path.join(t.context.gpg.dir, 'pubring.kbx')]);
  t.true(kbx.length >= 10, `read ${kbx.length} keys from pubring.kbx`);
  const r = await verifyFile({
    file: t.context.data,
    signatureFile: path.join(t.context.dir, 'ed.asc'),
    keys: kbx,
  });
  t.true(r.verified);
});

gtest(
  'a key whose user IDs are bound only by SHA-1 self-signatures: verified, with a warning naming that',
  async (t) => {
    const r = await check(t, 'sha1bound.asc');
    t.true(r.verified, JSON.stringify(r.problems));
    t.is(r.signatures[0]!.hashAlgorithm, 'SHA256');
    t.true(
      r.signatures[0]!.warnings.some((w) => /bound only by SHA-1 self-signatures/.test(w)),
      JSON.stringify(r.signatures[0]!.warnings),
    );
    const plain = await check(t, 'ed.asc');
    t.deepEqual(plain.signatures[0]!.warnings, []);
  },
);
