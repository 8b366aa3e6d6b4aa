import test from 'ava';
import * as openpgp from 'openpgp';
import { signStream } from '../../src/core/sign/index.js';
import { testKey } from '../sign/keys.js';

/**
 * Item 2 of issue 9: RSA signs through node:crypto (OpenSSL, CRT, constant-time), never through
 * openpgp.js's BigInt exponentiation. PKCS#1 v1.5 is deterministic, so the signature must be the
 * very one openpgp.js makes for the same packet; the interop tests (test/sign/distseal-to-peers)
 * check that gpg, sqv and rnp accept it.
 */

const DATA = new TextEncoder().encode('rsa signed bytes\n');

function stream(): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      c.enqueue(DATA);
      c.close();
    },
  });
}

test('RSA signing never calls openpgp.js to sign, and openpgp.js verifies the result', async (t) => {
  const k = await testKey('rsa2048');
  const proto = openpgp.SignaturePacket.prototype as unknown as {
    sign: (...args: unknown[]) => Promise<void>;
  };
  const original = proto.sign;
  let calls = 0;
  proto.sign = function (this: unknown, ...args: unknown[]) {
    calls += 1;
    return original.apply(this, args);
  };
  let armored: string;
  try {
    armored = (await signStream(stream(), k.privateKey)).armored;
  } finally {
    proto.sign = original;
  }
  t.is(calls, 0, 'openpgp.js SignaturePacket.sign (its BigInt RSA) was used');
  const signature = await openpgp.readSignature({ armoredSignature: armored });
  const packet = signature.packets[0]!;
  t.is(packet.publicKeyAlgorithm, openpgp.enums.publicKey.rsaEncryptSign);
  t.is(packet.hashAlgorithm, openpgp.enums.hash.sha256);
  const checked = await openpgp.verify({
    message: await openpgp.createMessage({ binary: DATA }),
    signature,
    verificationKeys: k.publicKey,
    expectSigned: true,
    format: 'binary',
  });
  t.true(await checked.signatures[0]!.verified);
});

test('the RSA signature is byte for byte the one openpgp.js makes for the same packet', async (t) => {
  const k = await testKey('rsa2048');
  const date = new Date(Math.floor(Date.now() / 1000) * 1000);
  // The key's signing key: the primary here (testKey rsa has only an encryption subkey).
  const ours = await openpgp.readSignature({
    armoredSignature: (await signStream(stream(), k.privateKey, { date })).armored,
  });
  const theirs = await openpgp.sign({
    message: await openpgp.createMessage({ binary: DATA }),
    signingKeys: k.privateKey,
    detached: true,
    date,
    format: 'object',
    config: {
      preferredHashAlgorithm: openpgp.enums.hash.sha256,
      nonDeterministicSignaturesViaNotation: false,
    },
  });
  const mine = ours.packets[0]!;
  const other = (theirs as unknown as openpgp.Signature).packets[0]!;
  t.is(other.hashAlgorithm, openpgp.enums.hash.sha256);
  t.deepEqual(Buffer.from(mine.write() as Uint8Array), Buffer.from(other.write() as Uint8Array));
});

test('a different RSA key does not verify the signature (the key really is the one used)', async (t) => {
  const k = await testKey('rsa2048');
  const other = await testKey('rsa2048', 'Other RSA');
  const signature = await openpgp.readSignature({
    armoredSignature: (await signStream(stream(), k.privateKey)).armored,
  });
  const checked = await openpgp.verify({
    message: await openpgp.createMessage({ binary: DATA }),
    signature,
    verificationKeys: other.publicKey,
    format: 'binary',
  });
  await t.throwsAsync(checked.signatures[0]!.verified);
});
