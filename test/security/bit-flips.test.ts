import test from 'ava';
import fc from 'fast-check';
import * as openpgp from 'openpgp';
import { signStream } from '../../src/core/sign/index.js';
import { verifyDetachedBytes } from '../../src/core/verify/index.js';
import { parseSignatureBytes } from '../../src/core/verify/signature-file.js';
import { testKey } from '../sign/keys.js';

/**
 * Property: flipping random bits in real signatures (armored and binary) or in the signed data
 * never yields a forgery, and verification never throws. The data is small and everything runs
 * in-process so thousands of cases stay fast.
 *
 * "Never verifies" is exact for the data. For the signature, a few bits carry no signed meaning
 * (the armor checksum, text after the armor, an MPI's bit-count header, the unhashed
 * subpacket area): a flip there may
 * leave a signature that still verifies, as in every OpenPGP implementation. What must never
 * happen is a *different* signed statement verifying: so when a flipped signature verifies, its
 * hashed part must equal the original's, by the same key, over the same data.
 */
const DATA = new TextEncoder().encode('pkg-1.0-py3-none-any.whl: a small but real payload\n\x00\x01\x02\xff');

function stream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      c.enqueue(bytes);
      c.close();
    },
  });
}

function flip(bytes: Uint8Array, bit: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  const i = bit % (out.length * 8);
  out[i >> 3] = out[i >> 3]! ^ (1 << (i & 7));
  return out;
}

/** The hashed part of each signature packet, read by the verifier's own parser (which ignores text around the armor). */
async function hashedPart(signature: string | Uint8Array): Promise<string[]> {
  const bytes = typeof signature === 'string' ? Buffer.from(signature, 'latin1') : signature;
  const parsed = await parseSignatureBytes(bytes, 'flipped');
  if (!parsed.ok) return [];
  return parsed.packets.map((p) =>
    'unsupported' in p ? 'unsupported' : Buffer.from(p.signatureData ?? new Uint8Array()).toString('hex'),
  );
}

async function fixtures() {
  const ed = await testKey('ed25519-subkey');
  const rsa = await testKey('rsa2048');
  const a = await signStream(stream(DATA), ed.privateKey);
  const b = await signStream(stream(DATA), rsa.privateKey);
  const keys = [ed.publicKey, rsa.publicKey];
  const armored = [a.armored, b.armored];
  const binary = await Promise.all(
    armored.map(async (x) => (await openpgp.readSignature({ armoredSignature: x })).write() as Uint8Array),
  );
  return { keys, armored, binary };
}

test('baseline: the unflipped signatures verify', async (t) => {
  const f = await fixtures();
  for (const s of [...f.armored, ...f.binary])
    t.true((await verifyDetachedBytes({ data: DATA, signature: s, keys: f.keys })).verified);
});

test('bit flips in the signed data never verify and never throw', async (t) => {
  t.timeout(240_000);
  const f = await fixtures();
  await fc.assert(
    fc.asyncProperty(fc.nat(DATA.length * 8 - 1), fc.nat(1), fc.boolean(), async (bit, which, armored) => {
      const signature = armored ? f.armored[which]! : f.binary[which]!;
      const r = await verifyDetachedBytes({ data: flip(DATA, bit), signature, keys: f.keys });
      return !r.verified && r.goodSignatures === 0 && r.signatures.every((s) => s.verdict !== 'good');
    }),
    { numRuns: 1200 },
  );
  t.pass();
});

test('bit flips in binary and armored signatures never forge a signed statement and never throw', async (t) => {
  t.timeout(240_000);
  const f = await fixtures();
  const originals = await Promise.all(f.binary.map(hashedPart));
  let stillGood = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.nat(1),
      fc.boolean(),
      fc.nat(1 << 20),
      fc.integer({ min: 1, max: 3 }),
      async (which, armored, seed, flips) => {
        let sig: Uint8Array = armored ? new TextEncoder().encode(f.armored[which]!) : f.binary[which]!;
        for (let i = 0; i < flips; i += 1) sig = flip(sig, seed * (i + 7919));
        const signature = armored ? new TextDecoder('latin1').decode(sig) : sig;
        const r = await verifyDetachedBytes({ data: DATA, signature, keys: f.keys });
        if (!r.verified) return r.goodSignatures === 0 && r.problems.length > 0;
        stillGood += 1;
        // Verified after a flip: the signed statement must be the original one.
        const hashed = await hashedPart(signature);
        return hashed.length === 1 && hashed[0] === originals[which]![0];
      },
    ),
    { numRuns: 2000 },
  );
  t.log(`${stillGood} flipped signatures still verified, each with the original signed statement`);
  t.pass();
});
