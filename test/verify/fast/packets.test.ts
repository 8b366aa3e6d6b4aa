import test from 'ava';
import fc from 'fast-check';
import * as openpgp from 'openpgp';
import { dearmorSignature, MAX_FAST_SIGNATURE_BYTES } from '../../../src/core/verify/fast/armor.js';
import { parseSignaturePacket } from '../../../src/core/verify/fast/packets.js';
import { makeKey, sign } from './corpus.js';

/**
 * The fast path's packet and armor readers on malformed input: every doubt is `ok: false` (the
 * full verifier then decides), nothing throws, and what they do accept is exactly what
 * openpgp.js reads from the same bytes.
 */

let key: openpgp.PrivateKey;
let packet: Uint8Array;
let armored: string;

test.before(async () => {
  key = await makeKey('ed25519Legacy', 'Packet Test');
  const data = new TextEncoder().encode('hello');
  packet = (await sign(key, data, { binary: true })) as Uint8Array;
  armored = (await sign(key, data)) as string;
});

/** A new-format packet with tag 2 around `body`, with a 5-octet length. */
function wrap(body: Uint8Array, tag = 2): Uint8Array {
  const out = new Uint8Array(6 + body.length);
  out[0] = 0xc0 | tag;
  out[1] = 255;
  new DataView(out.buffer).setUint32(2, body.length);
  out.set(body, 6);
  return out;
}

/** The body of the test packet (openpgp.js writes new-format headers). */
function body(): Uint8Array {
  const l0 = packet[1]!;
  const start = l0 < 192 ? 2 : l0 < 224 ? 3 : 6;
  return packet.subarray(start);
}

test('a signature made by openpgp.js reads as openpgp.js reads it', async (t) => {
  const parsed = parseSignaturePacket(packet);
  if (!parsed.ok) return t.fail(parsed.why);
  const theirs = (await openpgp.readSignature({ binarySignature: packet })).packets[0]!;
  t.is(parsed.signature.issuerFingerprint, key.getFingerprint().toUpperCase());
  t.is(parsed.signature.created * 1000, theirs.created!.getTime());
  t.is(parsed.signature.hashAlgorithm, theirs.hashAlgorithm as number);
  t.deepEqual(
    Buffer.from(parsed.signature.signatureData),
    Buffer.from((theirs as unknown as { signatureData: Uint8Array }).signatureData),
  );
  t.true(parseSignaturePacket(wrap(body())).ok); // the same body, with a 5-octet length header
});

test('truncated at every length: not fast', (t) => {
  for (let n = 0; n < packet.length; n += 1) t.false(parseSignaturePacket(packet.subarray(0, n)).ok, `${n}`);
});

test('huge, partial and indeterminate lengths: not fast', (t) => {
  const b = body();
  const huge = wrap(b);
  new DataView(huge.buffer).setUint32(2, 0xffffffff);
  t.false(parseSignaturePacket(huge).ok);
  const partial = new Uint8Array([0xc2, 0xe1, ...b]); // a partial body length (2 bytes)
  t.false(parseSignaturePacket(partial).ok);
  const indeterminate = new Uint8Array([0x8b, ...b]); // old format, tag 2, length type 3
  t.false(parseSignaturePacket(indeterminate).ok);
  // Old format, 2-octet length: accepted, like gpg's own packets.
  const old = new Uint8Array([0x89, b.length >> 8, b.length & 0xff, ...b]);
  t.true(parseSignaturePacket(old).ok);
});

test('two signatures, trailing garbage, another packet: not fast', (t) => {
  t.false(parseSignaturePacket(new Uint8Array([...packet, ...packet])).ok);
  t.false(parseSignaturePacket(new Uint8Array([...packet, 0])).ok);
  t.false(parseSignaturePacket(wrap(body(), 11)).ok); // a literal data packet
  const withTail = new Uint8Array([...body(), 1, 2]); // bytes after the MPIs inside the packet
  t.false(parseSignaturePacket(wrap(withTail)).ok);
});

test('another version, type, hash or algorithm: not fast', (t) => {
  for (const [offset, value, why] of [
    [0, 3, /version 3/],
    [0, 5, /version 5/],
    [1, 0x01, /type 0x01/],
    [1, 0x13, /type 0x13/],
    [2, 17, /algorithm 17/],
    [3, 2, /hash algorithm 2/],
  ] as const) {
    const b = new Uint8Array(body());
    b[offset] = value;
    const parsed = parseSignaturePacket(wrap(b));
    t.false(parsed.ok);
    if (!parsed.ok) t.regex(parsed.why, why);
  }
});

test('a critical or unknown subpacket, or one longer than its area: not fast', (t) => {
  const b = new Uint8Array(body());
  // The first hashed subpacket (right after the 2-octet area length) is openpgp.js's creation time.
  t.is(b[7]! & 0x7f, 2);
  const critical = new Uint8Array(b);
  critical[7] = 0x80 | 2; // a critical creation time is fine...
  t.true(parseSignaturePacket(wrap(critical)).ok);
  const unknown = new Uint8Array(b);
  unknown[7] = 0x80 | 99; // ...an unknown critical subpacket is not
  t.false(parseSignaturePacket(wrap(unknown)).ok);
  const expiring = new Uint8Array(b);
  expiring[7] = 3; // a signature expiration time
  t.false(parseSignaturePacket(wrap(expiring)).ok);
  const long = new Uint8Array(b);
  long[6] = 250; // the subpacket's length runs past its area
  t.false(parseSignaturePacket(wrap(long)).ok);
});

test('any bytes at all: never throws; a damaged packet that still parses still names an issuer', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
      parseSignaturePacket(bytes);
      dearmorSignature(bytes);
    }),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(fc.nat(packet.length - 1), fc.integer({ min: 1, max: 255 }), (at, xor) => {
      const damaged = new Uint8Array(packet);
      damaged[at]! ^= xor;
      const parsed = parseSignaturePacket(damaged);
      // Whatever still parses still names a creation time and an issuer: nothing is made up.
      if (parsed.ok) t.regex(parsed.signature.issuerFingerprint, /^[0-9A-F]{40}$/);
    }),
    { numRuns: 500 },
  );
  t.pass();
});

test('armor: the one plain form is read, anything unusual is not', async (t) => {
  const ok = dearmorSignature(Buffer.from(armored));
  const theirs = (await openpgp.readSignature({ armoredSignature: armored })).write();
  t.true(ok.ok);
  if (ok.ok) t.deepEqual(Buffer.from(ok.bytes), Buffer.from(theirs as Uint8Array));
  const lines = armored.trim().split('\n');
  const variants: Record<string, string> = {
    'two blocks': `${armored}\n${armored}`,
    'text before': `hello\n${armored}`,
    'cleartext header': armored.replace('PGP SIGNATURE-----\n', 'PGP SIGNED MESSAGE-----\n'),
    'unknown header': armored.replace('-----\n\n', '-----\nX-Evil: 1\n\n'),
    'no blank line': lines.filter((l, i) => !(i === 1 && l === '')).join('\n'),
    'bad checksum': armored.replace(/\n=[A-Za-z0-9+/]{4}\n/, '\n=AAAA\n'),
    'a space in the body': armored.replace(/\n([A-Za-z0-9+/]{10})/, '\n$1 '),
    'padding inside': lines.map((l, i) => (i === 3 ? `${l.slice(0, -2)}==` : l)).join('\n'),
    truncated: lines.slice(0, -1).join('\n'),
  };
  for (const [name, text] of Object.entries(variants)) t.false(dearmorSignature(Buffer.from(text)).ok, name);
  t.true(
    dearmorSignature(Buffer.from(`\r\n${armored.replace(/\n/g, '\r\n')}\n\n`)).ok,
    'CRLF and blank lines',
  );
  t.false(dearmorSignature(new Uint8Array(MAX_FAST_SIGNATURE_BYTES + 1)).ok);
  t.false(dearmorSignature(new Uint8Array(0)).ok);
});

test('an all-zero (wildcard) issuer key ID: not fast', (t) => {
  const keyID = Buffer.from(key.getFingerprint(), 'hex').subarray(12);
  const b = Buffer.from(body());
  let at = b.indexOf(keyID);
  t.true(at > 0);
  for (; at >= 0; at = b.indexOf(keyID)) b.fill(0, at, at + 8);
  const parsed = parseSignaturePacket(wrap(b));
  t.false(parsed.ok);
  if (!parsed.ok) t.is(parsed.why, 'wildcard issuer key ID');
});
