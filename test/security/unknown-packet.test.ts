import test from 'ava';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { createDetachedSignature } from '../../src/core/sign/index.js';
import { verifyFile } from '../../src/core/verify/index.js';
import { tempDir } from '../helpers/cli.js';
import { peerTest } from '../helpers/peers.js';
import { testKey } from '../sign/keys.js';

/**
 * Item 6 of issue 9: a packet that is not a signature (an unknown tag 60, a literal data packet)
 * in front of a good signature made the .asc verify; sqv refuses such a file, and so do we.
 * A marker packet (tag 10), which RFC 9580 says to ignore, still is.
 */

/** A new-format packet: tag, one-octet length, body. */
function packet(tag: number, body: number[]): Uint8Array {
  return new Uint8Array([0xc0 | tag, body.length, ...body]);
}

async function setup(prefix: Uint8Array, armored: boolean) {
  const { dir, cleanup } = await tempDir('distseal-pkt-');
  const k = await testKey('ed25519');
  const file = path.join(dir, 'demo-1.0.tar.gz');
  await fs.writeFile(file, 'signed bytes\n');
  const good = await openpgp.readSignature({
    armoredSignature: await createDetachedSignature(file, k.privateKey),
  });
  const bytes = new Uint8Array([...prefix, ...(good.write() as Uint8Array)]);
  const sig = `${file}.${armored ? 'asc' : 'sig'}`;
  await fs.writeFile(sig, armored ? openpgp.armor(openpgp.enums.armor.signature, bytes) : bytes);
  return { dir, file, sig, k, cleanup };
}

for (const armored of [false, true]) {
  const form = armored ? 'armored' : 'binary';
  test(`${form}: an unknown packet (tag 60) before a good signature is refused`, async (t) => {
    const s = await setup(packet(60, [1, 2, 3]), armored);
    t.teardown(s.cleanup);
    const r = await verifyFile({ file: s.file, signatureFile: s.sig, keys: [s.k.publicKey] });
    t.false(r.verified);
    t.is(r.problems[0]!.code, 'E_SIGNATURE_MALFORMED');
    t.regex(r.problems[0]!.message, /packet 1 is a packet of unknown type \(tag 60\), not a signature/);
  });

  test(`${form}: a literal data packet before a good signature is refused`, async (t) => {
    const s = await setup(packet(11, [0x62, 0, 0, 0, 0, 0, 0x78]), armored);
    t.teardown(s.cleanup);
    const r = await verifyFile({ file: s.file, signatureFile: s.sig, keys: [s.k.publicKey] });
    t.false(r.verified);
    t.is(r.problems[0]!.code, 'E_SIGNATURE_MALFORMED');
  });

  test(`${form}: a marker packet (tag 10) is ignored, as RFC 9580 says`, async (t) => {
    const s = await setup(packet(10, [0x50, 0x47, 0x50]), armored);
    t.teardown(s.cleanup);
    const r = await verifyFile({ file: s.file, signatureFile: s.sig, keys: [s.k.publicKey] });
    t.true(r.verified, JSON.stringify(r.problems));
  });
}

peerTest(['sqv'])('sqv refuses the same tag-60 file (the behaviour we follow)', async (t) => {
  const s = await setup(packet(60, [1, 2, 3]), false);
  t.teardown(s.cleanup);
  const keyring = path.join(s.dir, 'key.pgp');
  await fs.writeFile(keyring, s.k.publicKey.write());
  const r = spawnSync('sqv', ['--keyring', keyring, s.sig, s.file], { encoding: 'utf8' });
  t.not(r.status, 0, r.stdout);
  // And without the extra packet sqv accepts it: the refusal is about the packet.
  const plain = await setup(new Uint8Array(0), false);
  t.teardown(plain.cleanup);
  await fs.writeFile(keyring, plain.k.publicKey.write());
  t.is(spawnSync('sqv', ['--keyring', keyring, plain.sig, plain.file]).status, 0);
});
