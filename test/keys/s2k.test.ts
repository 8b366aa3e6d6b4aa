import { randomBytes, randomInt } from 'node:crypto';
import test, { type ExecutionContext } from 'ava';
import * as openpgp from 'openpgp';
import { deriveIteratedS2K, MAX_S2K_COUNT, s2kHashName, streamIteratedS2K } from '../../src/core/keys/s2k.js';

/**
 * The streamed iterated+salted S2K against openpgp.js's own produceKey, byte for byte, and the
 * shadowing that puts it in place on a key's packets only when they have the expected shape.
 */
type ProduceKey = (passphrase: string, keyBytes: number, config?: unknown) => Promise<Uint8Array>;
interface S2K {
  type: string;
  algorithm: number;
  salt: Uint8Array | null;
  c: number;
  getCount(): number;
  produceKey: ProduceKey;
}

const PASS = 'correct horse ☃ battery';
const protectedKey = (async () => {
  const { privateKey } = await openpgp.generateKey({
    userIDs: [{ name: 'S2K', email: 's2k@example.invalid' }],
    subkeys: [{ sign: true }],
    passphrase: PASS,
    format: 'object',
  });
  return privateKey.armor();
})();

/** A new copy of the protected key, its packets (and S2K objects) shared with nothing else. */
async function freshKey(): Promise<openpgp.PrivateKey> {
  return openpgp.readPrivateKey({ armoredKey: await protectedKey });
}

/** openpgp.js's generic S2K prototype, taken from a key it protected. */
async function genericProto(): Promise<S2K> {
  const key = await freshKey();
  return Object.getPrototypeOf((key.keyPacket as unknown as { s2k: S2K }).s2k) as S2K;
}

/** An openpgp.js iterated S2K object with the given fields (its own code, not ours). */
async function openpgpS2K(algorithm: number, salt: Uint8Array, c: number): Promise<S2K> {
  const s2k = Object.create(await genericProto()) as S2K;
  Object.assign(s2k, { type: 'iterated', algorithm, salt, c });
  return s2k;
}

const H = openpgp.enums.hash;
const ALGOS = [H.sha1, H.ripemd, H.sha224, H.sha256, H.sha384, H.sha512, H.sha3_256, H.sha3_512];

function randomPassphrase(): string {
  const pieces = ['a', 'Z', '9', ' ', 'é', 'ß', '☃', '𝄞', '\u{1F511}', '\ud800', '\u0000', 'ü'];
  const n = randomInt(0, 40);
  let s = '';
  for (let i = 0; i < n; i += 1) s += pieces[randomInt(pieces.length)]!;
  return s;
}

async function same(
  t: ExecutionContext,
  algorithm: number,
  c: number,
  passphrase: string,
  keyBytes: number,
  salt: Uint8Array = new Uint8Array(randomBytes(8)),
): Promise<void> {
  const theirs = await openpgpS2K(algorithm, salt, c);
  const expected = await theirs.produceKey(passphrase, keyBytes);
  const ours = deriveIteratedS2K(s2kHashName(algorithm)!, salt, theirs.getCount(), passphrase, keyBytes);
  t.deepEqual(
    Buffer.from(ours).toString('hex'),
    Buffer.from(expected).toString('hex'),
    `hash ${algorithm}, c ${c}, ${keyBytes} bytes, passphrase length ${passphrase.length}`,
  );
}

test('every hash we stream is one node has; MD5 and unknown ids are left to openpgp.js', (t) => {
  for (const algo of ALGOS) t.truthy(s2kHashName(algo), `hash ${algo}`);
  t.is(s2kHashName(H.md5), undefined);
  t.is(s2kHashName(4), undefined);
  t.is(s2kHashName('2'), undefined);
  t.is(s2kHashName(undefined), undefined);
});

test('equals openpgp.js for random salts, passphrases, small counts, all hashes and key sizes', async (t) => {
  t.timeout(120_000);
  for (let i = 0; i < 240; i += 1) {
    const algo = ALGOS[i % ALGOS.length]!;
    const keyBytes = [16, 24, 32][randomInt(3)]!;
    await same(t, algo, randomInt(0, 97), randomPassphrase(), keyBytes); // counts 1,024 .. ~1 MB
  }
});

test('equals openpgp.js at gpg-sized and the largest counts (two rounds with SHA-1 and RIPEMD-160)', async (t) => {
  t.timeout(120_000);
  t.is((await openpgpS2K(H.sha1, new Uint8Array(8), 255)).getCount(), MAX_S2K_COUNT);
  for (const [algo, c, keyBytes] of [
    [H.sha1, 255, 32],
    [H.sha1, 250, 16],
    [H.ripemd, 238, 32],
    [H.sha256, 255, 32],
    [H.sha512, 224, 24],
  ] as const) {
    await same(t, algo, c, randomPassphrase(), keyBytes);
  }
});

test('equals openpgp.js at the edges: empty passphrase, count below the data, a short-filled second round', async (t) => {
  for (const keyBytes of [16, 24, 32]) {
    await same(t, H.sha1, 0, '', keyBytes);
    await same(t, H.sha256, 0, '', keyBytes);
    // Longer than the count: the data is hashed once whole.
    await same(t, H.sha1, 0, 'x'.repeat(3000), keyBytes);
    await same(t, H.sha224, 0, '☃'.repeat(700), keyBytes);
    // salt||passphrase one byte short of the count (1,024): openpgp.js leaves round 1's last byte zero.
    await same(t, H.sha1, 0, 'p'.repeat(1015), keyBytes);
    await same(t, H.ripemd, 16, 'q'.repeat(1143), keyBytes);
    // Exactly the count.
    await same(t, H.sha1, 0, 'p'.repeat(1016), keyBytes);
  }
  // Nothing to hash, or a key size no cipher has: refused rather than looping or guessing.
  t.throws(() => deriveIteratedS2K('sha1', new Uint8Array(0), 1024, '', 16), { instanceOf: RangeError });
  t.throws(() => deriveIteratedS2K('sha1', new Uint8Array(8), 1024, 'p', 0), { instanceOf: RangeError });
  // Multi-byte characters counted in UTF-8 bytes, lone surrogates as U+FFFD, as openpgp.js does.
  await same(t, H.sha1, 0, `${'é'.repeat(507)}\ud800`, 32);
});

test('streamIteratedS2K shadows produceKey on each iterated packet only, once; the key still unlocks', async (t) => {
  const key = await freshKey();
  const packets = key.getKeys().map((k) => (k.keyPacket as unknown as { s2k: S2K }).s2k);
  t.is(packets.length, 2);
  t.is(streamIteratedS2K(key), 2);
  for (const s2k of packets) t.true(Object.prototype.hasOwnProperty.call(s2k, 'produceKey'));
  t.is(streamIteratedS2K(key), 0, 'a second call changes nothing');
  const unlocked = await openpgp.decryptKey({ privateKey: key, passphrase: PASS });
  t.true(unlocked.isDecrypted());
  await t.throwsAsync(openpgp.decryptKey({ privateKey: key, passphrase: `${PASS}!` }), {
    message: /Incorrect key passphrase/,
  });
  // The prototype is untouched: other keys keep openpgp.js's code.
  const other = (await freshKey()).keyPacket as unknown as { s2k: S2K };
  t.false(Object.prototype.hasOwnProperty.call(other.s2k, 'produceKey'));
});

test.serial('the shadowed produceKey is what unlocks: openpgp.js own derivation is not called', async (t) => {
  const proto = await genericProto();
  const original = proto.produceKey;
  const key = await freshKey();
  streamIteratedS2K(key);
  let called = 0;
  proto.produceKey = async function (this: S2K, ...args: Parameters<ProduceKey>) {
    called += 1;
    return original.apply(this, args);
  };
  try {
    const unlocked = await openpgp.decryptKey({ privateKey: key, passphrase: PASS });
    t.true(unlocked.isDecrypted());
    t.is(called, 0);
  } finally {
    proto.produceKey = original;
  }
});

test('S2K objects of another shape are left alone, and odd calls go to openpgp.js', async (t) => {
  const wrap = (s2k: S2K) => ({ getKeys: () => [{ keyPacket: { s2k } }] }) as unknown as openpgp.PrivateKey;
  const salt = new Uint8Array(randomBytes(8));
  const md5 = await openpgpS2K(H.md5, salt, 96);
  const salted = Object.assign(await openpgpS2K(H.sha256, salt, 96), { type: 'salted' });
  const shortSalt = await openpgpS2K(H.sha256, salt.subarray(0, 7), 96);
  const badC = await openpgpS2K(H.sha256, salt, 256);
  for (const s2k of [md5, salted, shortSalt, badC]) {
    t.is(streamIteratedS2K(wrap(s2k)), 0);
    t.false(Object.prototype.hasOwnProperty.call(s2k, 'produceKey'));
  }
  t.is(streamIteratedS2K({ getKeys: () => [{ keyPacket: {} }] } as unknown as openpgp.PrivateKey), 0);
  // Shadowed, then changed behind our back to a hash we do not stream: openpgp.js's code answers.
  const later = await openpgpS2K(H.sha256, salt, 96);
  const reference = await openpgpS2K(H.md5, salt, 96);
  t.is(streamIteratedS2K(wrap(later)), 1);
  later.algorithm = H.md5;
  t.deepEqual(await later.produceKey(PASS, 16), await reference.produceKey(PASS, 16));
  // A key size beyond what ciphers use: openpgp.js's code answers too (and agrees).
  const big = await openpgpS2K(H.sha1, salt, 96);
  streamIteratedS2K(wrap(big));
  t.deepEqual(
    await big.produceKey(PASS, 100),
    await (await openpgpS2K(H.sha1, salt, 96)).produceKey(PASS, 100),
  );
});
