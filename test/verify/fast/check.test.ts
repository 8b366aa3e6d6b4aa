import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import * as openpgp from 'openpgp';
import { buildVerifyIndex } from '../../../src/core/verify/fast/build-index.js';
import { fastKeyring, fastVerifyFile } from '../../../src/core/verify/fast/check.js';
import { verifyFile } from '../../../src/core/verify/verify-file.js';
import { tempDir } from '../../helpers/cli.js';
import { exampleKey, makeKey, sign } from './corpus.js';

/**
 * The fast checker in-process against the full verifier (verifyFile): a good fast answer is the
 * full verifier's report, byte for byte as JSON; a damaged signature is never good on the fast
 * path unless the full verifier finds it good too; keys with anything unusual are not indexed.
 */

async function index(keys: openpgp.PrivateKey[], now = new Date(), own: string[] = []) {
  const pub = keys.map((k) => k.toPublic());
  const built = await buildVerifyIndex({
    keys: pub,
    ownFingerprints: own,
    pins: false,
    inputs: 'x',
    distseal: 't',
    now,
  });
  return { built, ring: fastKeyring(built)!, pub };
}

async function signed(dir: string, key: openpgp.PrivateKey, options: Parameters<typeof sign>[2] = {}) {
  const file = path.join(dir, `f-${randomBytes(4).toString('hex')}.bin`);
  const data = new Uint8Array(randomBytes(1500));
  await writeFile(file, data);
  const sig = await sign(key, data, options);
  await writeFile(`${file}${options.binary ? '.sig' : '.asc'}`, sig);
  return { file, sig };
}

test('good signatures: the fast report is the full report, for each kind of key', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const keys = [
    await exampleKey(),
    await makeKey('ed25519Legacy', 'C Legacy'),
    await makeKey('ed25519', 'C Ed'),
    await makeKey('rsa', 'C RSA'),
  ];
  const own = [keys[1]!.getFingerprint().toUpperCase()];
  const { ring, pub } = await index(keys, new Date(), own);
  for (const key of keys) {
    for (const binary of [false, true]) {
      const { file } = await signed(dir, key, { binary });
      const fast = fastVerifyFile(file, ring, new Date());
      if (!fast.ok) return t.fail(`${key.getUserIDs()[0]}: ${fast.why}`);
      const full = await verifyFile({ file, keys: pub, ownFingerprints: own });
      t.true(full.verified);
      t.is(JSON.stringify(fast.report), JSON.stringify(full));
    }
  }
});

test('damaged signatures: fast is good only where the full verifier agrees exactly', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const key = await makeKey('ed25519Legacy', 'C Flips');
  const rsa = await makeKey('rsa', 'C Flips RSA');
  const { ring, pub } = await index([key, rsa]);
  let good = 0;
  for (const signer of [key, rsa]) {
    const { file, sig } = await signed(dir, signer, { binary: true });
    const bytes = sig as Uint8Array;
    // Every byte, two different flips each: exhaustive, so no field of the packet is missed.
    for (let at = 0; at < bytes.length; at += 1) {
      for (const xor of [0x01, 0x80]) {
        const damaged = new Uint8Array(bytes);
        damaged[at]! ^= xor;
        await writeFile(`${file}.sig`, damaged);
        const fast = fastVerifyFile(file, ring, new Date());
        if (!fast.ok) continue;
        good += 1;
        const full = await verifyFile({ file, keys: pub });
        t.is(JSON.stringify(fast.report), JSON.stringify(full), `byte ${at} ^ ${xor}`);
      }
    }
  }
  t.true(good < 30, `${good} damaged signatures were still good`);
});

test('a tampered file, a wrong signature, an unknown key: not fast', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const key = await makeKey('ed25519', 'C Tamper');
  const stranger = await makeKey('ed25519', 'C Stranger');
  const { ring } = await index([key]);
  const a = await signed(dir, key);
  await writeFile(a.file, randomBytes(1500));
  t.like(fastVerifyFile(a.file, ring, new Date()), { ok: false, why: 'digest prefix differs' });
  const b = await signed(dir, stranger);
  t.like(fastVerifyFile(b.file, ring, new Date()), {
    ok: false,
    why: 'issuer not exactly once in the keyring',
  });
  await rm(`${b.file}.asc`);
  t.false(fastVerifyFile(b.file, ring, new Date()).ok);
});

test('the same key listed twice, or a key ID shared with another key: not fast', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const key = await makeKey('ed25519Legacy', 'C Twice');
  t.is(fastKeyring((await index([key, key])).built), undefined); // two entries for one fingerprint: no index at all
  const { built } = await index([key]);
  const { file } = await signed(dir, key);
  t.true(fastVerifyFile(file, fastKeyring(built)!, new Date()).ok);
  const shared = fastKeyring({ ...built, keyIDs: [...built.keyIDs, built.keyIDs[0]!] })!;
  t.like(fastVerifyFile(file, shared, new Date()), {
    ok: false,
    why: 'issuer not exactly once in the keyring',
  });
});

test('revoked and expired keys are not indexed; an expiring key only within its validity', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const { privateKey: revoked } = await openpgp.revokeKey({
    key: await makeKey('ed25519Legacy', 'C Revoked'),
    format: 'object',
  });
  const expired = await makeKey('ed25519Legacy', 'C Expired', {
    date: new Date(Date.now() - 7_200_000),
    keyExpirationTime: 3600,
  });
  const expiring = await makeKey('ed25519Legacy', 'C Expiring', { keyExpirationTime: 3600 });
  const { built, ring } = await index([revoked, expired, expiring]);
  t.is(built.keyIDs.length, 6);
  t.deepEqual(
    built.signers.map((s) => s.userID),
    [expiring.getUserIDs()[0]],
  );
  const until = built.signers[0]!.validUntil!;
  t.is(until, expiring.keyPacket.created.getTime() + 3_600_000);
  const { file } = await signed(dir, expiring);
  t.true(fastVerifyFile(file, ring, new Date()).ok);
  t.like(fastVerifyFile(file, ring, new Date(until)), { ok: false, why: 'outside the validity window' });
  // Made before the key's last self-signature: left to the full path.
  const early = await signed(dir, expiring, { date: new Date(expiring.keyPacket.created.getTime()) });
  const selfSig = expiring.users[0]!.selfCertifications[0]!.created!.getTime();
  t.is(fastVerifyFile(early.file, ring, new Date()).ok, selfSig <= expiring.keyPacket.created.getTime());
  // Dated in the future: left to the full path.
  const future = await signed(dir, expiring, { date: new Date(Date.now() + 60_000) });
  t.false(fastVerifyFile(future.file, ring, new Date()).ok);
});
