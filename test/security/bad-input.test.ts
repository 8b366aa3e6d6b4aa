import test from 'ava';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { createDetachedSignature } from '../../src/core/sign/index.js';
import { verifyFile, type VerifyReport } from '../../src/core/verify/index.js';
import { tempDir } from '../helpers/cli.js';
import { testKey } from '../sign/keys.js';

/**
 * Attack regressions and the bad-input list: every case ends in a verdict or a clear
 * InputError, never a crash and never "verified".
 */
async function setup() {
  const { dir, cleanup } = await tempDir('distseal-sec-');
  const k = await testKey('ed25519-subkey');
  const file = path.join(dir, 'pkg-1.0.tar.gz');
  await fs.writeFile(file, Buffer.from('the real release bytes\n'.repeat(50)));
  const asc = await createDetachedSignature(file, k.privateKey);
  await fs.writeFile(`${file}.asc`, asc);
  return { dir, cleanup, k, file, asc };
}

function failed(t: any, r: VerifyReport, code?: string) {
  t.false(r.verified);
  t.is(r.goodSignatures, 0);
  t.true(r.problems.length > 0);
  t.truthy(r.problems[0]!.message);
  if (code) t.is(r.problems[0]!.code, code, JSON.stringify(r.problems));
}

test('baseline: the untouched file verifies', async (t) => {
  const s = await setup();
  t.teardown(s.cleanup);
  t.true((await verifyFile({ file: s.file, keys: [s.k.publicKey] })).verified);
});

test('tampered, truncated and emptied files fail with E_BAD_SIGNATURE', async (t) => {
  const s = await setup();
  t.teardown(s.cleanup);
  const bytes = await fs.readFile(s.file);
  const variants: Buffer[] = [
    Buffer.concat([bytes, Buffer.from('\n')]),
    bytes.subarray(0, bytes.length - 1),
    Buffer.alloc(0),
    Buffer.from(bytes.toString().replace('real', 'fake')),
  ];
  for (const v of variants) {
    await fs.writeFile(s.file, v);
    failed(t, await verifyFile({ file: s.file, keys: [s.k.publicKey] }), 'E_BAD_SIGNATURE');
  }
});

test('a missing file and a directory are InputErrors naming the path', async (t) => {
  const s = await setup();
  t.teardown(s.cleanup);
  const missing = await t.throwsAsync(
    verifyFile({ file: path.join(s.dir, 'nope.whl'), keys: [s.k.publicKey] }),
  );
  t.is((missing as any).code, 'E_NOT_FOUND');
  t.regex(missing!.message, /nope\.whl/);
  const dirErr = await t.throwsAsync(
    verifyFile({ file: s.dir, signatureFile: `${s.file}.asc`, keys: [s.k.publicKey] }),
  );
  t.is((dirErr as any).code, 'E_NOT_A_FILE');
});

test('a missing signature fails (exit 3 territory) with E_NO_SIGNATURE', async (t) => {
  const s = await setup();
  t.teardown(s.cleanup);
  await fs.rm(`${s.file}.asc`);
  failed(t, await verifyFile({ file: s.file, keys: [s.k.publicKey] }), 'E_NO_SIGNATURE');
});

test('an .asc made for another file fails', async (t) => {
  const s = await setup();
  t.teardown(s.cleanup);
  const other = path.join(s.dir, 'other-1.0.tar.gz');
  await fs.writeFile(other, 'other');
  await fs.writeFile(`${other}.asc`, s.asc);
  failed(t, await verifyFile({ file: other, keys: [s.k.publicKey] }), 'E_BAD_SIGNATURE');
});

test('empty, garbled, truncated, oversized .asc: malformed, never verified', async (t) => {
  const s = await setup();
  t.teardown(s.cleanup);
  const cases: Array<[string, string | Buffer]> = [
    ['empty', ''],
    ['garbled', s.asc.replace(/\n([A-Za-z0-9+/]{20})/, '\n!!!!garbage!!!!')],
    ['truncated', s.asc.slice(0, Math.floor(s.asc.length / 2))],
    ['truncated body', s.asc.replace(/\n([A-Za-z0-9+/=]+)\n(=[A-Za-z0-9+/]{4}\n)?-----END/, '\n-----END')],
    ['random bytes', Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7919) % 256))],
    ['multi-megabyte', `${s.asc}\n${'A'.repeat(3 << 20)}`],
    ['armor header only', '-----BEGIN PGP SIGNATURE-----\n\n'],
  ];
  for (const [what, content] of cases) {
    await fs.writeFile(`${s.file}.asc`, content);
    const r = await verifyFile({ file: s.file, keys: [s.k.publicKey] });
    t.false(r.verified, what);
    t.is(r.goodSignatures, 0, what);
    t.true(r.problems.length > 0, what);
  }
});

test('a cleartext-signed message or a public key given as the signature: E_NOT_DETACHED / not verified', async (t) => {
  const s = await setup();
  t.teardown(s.cleanup);
  const clear = await openpgp.sign({
    message: await openpgp.createCleartextMessage({ text: 'the real release bytes\n' }),
    signingKeys: s.k.privateKey,
  });
  await fs.writeFile(`${s.file}.asc`, clear);
  failed(t, await verifyFile({ file: s.file, keys: [s.k.publicKey] }), 'E_NOT_DETACHED');
  await fs.writeFile(`${s.file}.asc`, s.k.publicKey.armor());
  failed(t, await verifyFile({ file: s.file, keys: [s.k.publicKey] }), 'E_NOT_DETACHED');
  // A binary public key as FILE.sig: its self-signatures are certifications, not document signatures.
  await fs.rm(`${s.file}.asc`);
  await fs.writeFile(`${s.file}.sig`, s.k.publicKey.write());
  const r = await verifyFile({ file: s.file, keys: [s.k.publicKey] });
  t.false(r.verified);
  t.is(r.goodSignatures, 0);
});

test('unknown signer: could-not-check, names the key, suggests trust add; mixed with a good one still verifies', async (t) => {
  const s = await setup();
  t.teardown(s.cleanup);
  const stranger = await testKey('ed25519', 'Stranger');
  const strangerAsc = await createDetachedSignature(s.file, stranger.privateKey);
  await fs.writeFile(`${s.file}.asc`, strangerAsc);
  const r = await verifyFile({ file: s.file, keys: [s.k.publicKey] });
  failed(t, r, 'E_UNKNOWN_KEY');
  t.regex(r.signatures[0]!.reason.message, new RegExp(stranger.fingerprint));
  t.regex(r.signatures[0]!.reason.hint!, /distseal trust add/);
  // Two armor blocks concatenated (cat a.asc b.asc > both.asc): both are examined.
  await fs.writeFile(`${s.file}.asc`, strangerAsc + s.asc);
  const mixed = await verifyFile({ file: s.file, keys: [s.k.publicKey] });
  t.true(mixed.verified);
  t.deepEqual(
    mixed.signatures.map((x) => x.verdict),
    ['could-not-check', 'good'],
  );
});

test('an empty keyring verifies nothing and says how to add keys', async (t) => {
  const s = await setup();
  t.teardown(s.cleanup);
  const r = await verifyFile({ file: s.file, keys: [] });
  t.false(r.verified);
  t.true(r.problems.some((p) => p.code === 'E_EMPTY_KEYRING' && /trust add/.test(p.hint!)));
});
