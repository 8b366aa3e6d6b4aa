import test from 'ava';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { signFiles, createDetachedSignature } from '../../src/core/sign/index.js';
import { verifyFile } from '../../src/core/verify/index.js';
import { tempDir } from '../helpers/cli.js';
import { testKey } from './keys.js';

test('sign then verify: binary-mode signature by the signing subkey, verified', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const k = await testKey('ed25519-subkey');
  const file = path.join(dir, 'demo-1.0-py3-none-any.whl');
  await fs.writeFile(file, 'hello wheel\r\n\x00\xff');
  const [res] = await signFiles({ files: [file], signingKey: k.privateKey });
  t.is(res!.status, 'signed');
  t.is(res!.signatureFile, `${file}.asc`);
  t.is(res!.primaryFingerprint, k.fingerprint);
  t.is(res!.signingKeyFingerprint, k.privateKey.subkeys[1]!.getFingerprint().toUpperCase());
  t.is(res!.hashAlgorithm, 'SHA256');
  const armored = await fs.readFile(`${file}.asc`, 'utf8');
  t.regex(armored, /^-----BEGIN PGP SIGNATURE-----/);
  const sig = await openpgp.readSignature({ armoredSignature: armored });
  t.is((sig.packets[0] as openpgp.SignaturePacket).signatureType, openpgp.enums.signature.binary);

  const report = await verifyFile({ file, keys: [k.publicKey] });
  t.true(report.verified, JSON.stringify(report, null, 2));
  t.is(report.goodSignatures, 1);
  const s = report.signatures[0]!;
  t.is(s.verdict, 'good');
  t.is(s.primaryFingerprint, k.fingerprint);
  t.is(s.signingKeyFingerprint, res!.signingKeyFingerprint);
  t.is(s.userID, 'Test Signer <test.signer@example.invalid>');
  t.is(s.validAtSigning, 'valid');
  t.is(s.validNow, 'valid');

  await fs.appendFile(file, 'x');
  const bad = await verifyFile({ file, keys: [k.publicKey] });
  t.false(bad.verified);
  t.is(bad.signatures[0]!.reason.code, 'E_BAD_SIGNATURE');
  t.truthy(await createDetachedSignature(file, k.privateKey));
});
