import test from 'ava';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { verifyFile } from '../../src/core/verify/index.js';
import { signStream } from '../../src/core/sign/index.js';
import { tempDir } from '../helpers/cli.js';
import { testKey } from '../sign/keys.js';

/** Signature-level attacks and policy: dates, critical notations, text mode, revocations, pins. */

const DATA = new TextEncoder().encode('release bytes\n');

function stream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      c.enqueue(bytes);
      c.close();
    },
  });
}

async function writeSigned(armored: string) {
  const { dir, cleanup } = await tempDir('distseal-pol-');
  const file = path.join(dir, 'demo-1.0.tar.gz');
  await fs.writeFile(file, DATA);
  await fs.writeFile(`${file}.asc`, armored);
  return { file, cleanup };
}

async function rawSign(
  key: openpgp.PrivateKey,
  opts: { date?: Date; text?: boolean; notations?: any[] } = {},
): Promise<string> {
  const message = opts.text
    ? await openpgp.createMessage({ text: 'release bytes\n' })
    : await openpgp.createMessage({ binary: DATA });
  return openpgp.sign({
    message,
    signingKeys: key,
    detached: true,
    date: opts.date,
    signatureNotations: opts.notations,
  } as any) as Promise<string>;
}

test('a signature dated in the future fails with E_FUTURE_SIGNATURE', async (t) => {
  const k = await testKey('ed25519');
  const future = new Date(Date.now() + 3 * 24 * 3600 * 1000);
  // The key must exist at that date too, so sign with a key created now and date the signature later.
  const s = await writeSigned(await rawSign(k.privateKey, { date: future }));
  t.teardown(s.cleanup);
  const r = await verifyFile({ file: s.file, keys: [k.publicKey] });
  t.false(r.verified);
  t.is(r.signatures[0]!.reason.code, 'E_FUTURE_SIGNATURE');
  // The same signature judged at a later "now" is fine: the check is against the clock, not a constant.
  t.true(
    (await verifyFile({ file: s.file, keys: [k.publicKey], now: new Date(future.getTime() + 1000) }))
      .verified,
  );
});

test('a signature older than its key fails with E_KEY_NOT_YET_VALID', async (t) => {
  const k = await testKey('ed25519');
  const past = new Date(k.privateKey.getCreationTime().getTime() - 24 * 3600 * 1000);
  // openpgp.sign() refuses to back-date, so build the packet by hand as an attacker would.
  const keyPacket = k.privateKey.keyPacket as openpgp.SecretKeyPacket;
  const packet = new openpgp.SignaturePacket() as any;
  packet.signatureType = openpgp.enums.signature.binary;
  packet.publicKeyAlgorithm = keyPacket.algorithm;
  packet.hashAlgorithm = openpgp.enums.hash.sha512;
  packet.issuerKeyID = keyPacket.getKeyID();
  packet.issuerFingerprint = keyPacket.getFingerprintBytes();
  const literal = new (openpgp as any).LiteralDataPacket();
  literal.setBytes(DATA, openpgp.enums.literal.binary);
  await packet.sign(keyPacket, literal, past, true, openpgp.config);
  const list = new openpgp.PacketList<any>();
  list.push(packet);
  const s = await writeSigned(new openpgp.Signature(list).armor());
  t.teardown(s.cleanup);
  const r = await verifyFile({ file: s.file, keys: [k.publicKey] });
  t.false(r.verified);
  t.is(r.signatures[0]!.reason.code, 'E_KEY_NOT_YET_VALID', r.signatures[0]!.reason.message);
});

test('an unknown critical notation fails with E_UNKNOWN_CRITICAL', async (t) => {
  const k = await testKey('ed25519');
  const notations = [
    {
      name: 'surprise@example.invalid',
      value: new TextEncoder().encode('x'),
      humanReadable: true,
      critical: true,
    },
  ];
  const s = await writeSigned(await rawSign(k.privateKey, { notations }));
  t.teardown(s.cleanup);
  const r = await verifyFile({ file: s.file, keys: [k.publicKey] });
  t.false(r.verified);
  t.is(r.signatures[0]!.reason.code, 'E_UNKNOWN_CRITICAL');
});

test('soft revocation (superseded): earlier signatures stay good with a warning, later ones fail', async (t) => {
  const { privateKey } = await openpgp.generateKey({
    userIDs: [{ name: 'Soft', email: 'soft@example.invalid' }],
    format: 'object',
    date: new Date(Date.now() - 10 * 86400e3),
  });
  const before = await signStream(stream(DATA), privateKey, { date: new Date(Date.now() - 5 * 86400e3) });
  const revokedAt = new Date(Date.now() - 3 * 86400e3);
  const { publicKey: revoked } = await openpgp.revokeKey({
    key: privateKey,
    reasonForRevocation: { flag: openpgp.enums.reasonForRevocation.keySuperseded },
    date: revokedAt,
    format: 'object',
  });
  const after = await signStream(stream(DATA), privateKey, { date: new Date(Date.now() - 86400e3) });
  const a = await writeSigned(before.armored);
  t.teardown(a.cleanup);
  const ok = await verifyFile({ file: a.file, keys: [revoked] });
  t.true(ok.verified, JSON.stringify(ok.signatures[0]));
  t.true(ok.signatures[0]!.warnings.some((w) => /not valid now/.test(w)));
  const b = await writeSigned(after.armored);
  t.teardown(b.cleanup);
  const bad = await verifyFile({ file: b.file, keys: [revoked] });
  t.false(bad.verified);
  t.is(bad.signatures[0]!.reason.code, 'E_KEY_REVOKED');
});

test('hard revocation kills signatures made before it', async (t) => {
  const { privateKey } = await openpgp.generateKey({
    userIDs: [{ name: 'Hard', email: 'hard@example.invalid' }],
    format: 'object',
    date: new Date(Date.now() - 10 * 86400e3),
  });
  const before = await signStream(stream(DATA), privateKey, { date: new Date(Date.now() - 5 * 86400e3) });
  const { publicKey: revoked } = await openpgp.revokeKey({
    key: privateKey,
    reasonForRevocation: { flag: openpgp.enums.reasonForRevocation.keyCompromised },
    format: 'object',
  });
  const s = await writeSigned(before.armored);
  t.teardown(s.cleanup);
  const r = await verifyFile({ file: s.file, keys: [revoked] });
  t.false(r.verified);
  t.is(r.signatures[0]!.reason.code, 'E_KEY_REVOKED');
});

test('--signer pins and the trust policy: a good signature by another trusted key fails', async (t) => {
  const k = await testKey('ed25519');
  const other = await testKey('ed25519', 'Other');
  const s = await writeSigned(await rawSign(k.privateKey));
  t.teardown(s.cleanup);
  const keys = [k.publicKey, other.publicKey];
  t.true((await verifyFile({ file: s.file, keys, signers: [k.fingerprint.toLowerCase()] })).verified);
  const pinnedAway = await verifyFile({ file: s.file, keys, signers: [other.fingerprint] });
  t.false(pinnedAway.verified);
  t.is(pinnedAway.signatures[0]!.reason.code, 'E_SIGNER_NOT_ALLOWED');
  const policy = { version: 1 as const, projects: { demo: [other.fingerprint] } };
  const byPolicy = await verifyFile({ file: s.file, keys, policy });
  t.false(byPolicy.verified);
  t.is(byPolicy.signatures[0]!.reason.code, 'E_NOT_PINNED');
  const otherProject = { version: 1 as const, projects: { unrelated: [other.fingerprint] } };
  t.true((await verifyFile({ file: s.file, keys, policy: otherProject })).verified);
  t.true(
    (await verifyFile({ file: s.file, keys, policy: { version: 1, projects: { demo: [k.fingerprint] } } }))
      .verified,
  );
});
