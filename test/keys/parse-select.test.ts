import { promises as fs } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import * as openpgp from 'openpgp';
import { DistsealError } from '../../src/core/errors.js';
import { parseExpiry } from '../../src/core/keys/expiry.js';
import { mergeKey } from '../../src/core/keys/merge.js';
import { readKeysFromBytes } from '../../src/core/keys/parse.js';
import { selectable, selectKey } from '../../src/core/keys/selector.js';
import { buildUserID } from '../../src/core/keys/user-id.js';
import { KEYS_EXAMPLE } from '../helpers/cli.js';
import { EXAMPLE_FPR } from './helpers.js';

async function example(name: string): Promise<Buffer> {
  return fs.readFile(path.join(KEYS_EXAMPLE, name));
}

async function newKey(email: string): Promise<openpgp.PrivateKey> {
  return (
    await openpgp.generateKey({
      type: 'ecc',
      curve: 'ed25519Legacy',
      userIDs: [{ name: 'T', email }],
      format: 'object',
    })
  ).privateKey;
}

test('two concatenated armor blocks yield both keys (openpgp.js alone reads only the first)', async (t) => {
  const other = await newKey('other@example.org');
  const text = `${(await example('example-public.asc')).toString()}\n${other.toPublic().armor()}`;
  t.is(
    (await openpgp.readKeys({ armoredKeys: text })).length,
    1,
    'the openpgp.js behaviour this guards against',
  );
  const keys = await readKeysFromBytes(Buffer.from(text), 'two.asc');
  t.deepEqual(
    keys.map((k) => k.getFingerprint().toUpperCase()).sort(),
    [EXAMPLE_FPR, other.getFingerprint().toUpperCase()].sort(),
  );
});

test('binary keys, concatenated, parse fully; public and secret are told apart', async (t) => {
  const a = await newKey('a@example.org');
  const b = await newKey('b@example.org');
  const keys = await readKeysFromBytes(
    Buffer.concat([Buffer.from(a.write()), Buffer.from(b.toPublic().write())]),
    'bin.gpg',
  );
  t.is(keys.length, 2);
  t.true(keys[0]!.isPrivate());
  t.false(keys[1]!.isPrivate());
});

const bad: Array<[string, (s: string) => Buffer | Promise<Buffer>, RegExp]> = [
  ['empty file', () => Buffer.alloc(0), /bad\.asc is empty/],
  ['whitespace only', () => Buffer.from('\n \n'), /bad\.asc is empty/],
  ['random bytes', () => Buffer.from([0x13, 0x37, 0x00, 0xff, 0x42, 0x10]), /bad\.asc is not an OpenPGP key/],
  [
    'random bytes with bit 7 set',
    () => Buffer.from('\x99\x01\x0dGARBAGEGARBAGE', 'latin1'),
    /bad\.asc is not a readable OpenPGP key/,
  ],
  ['truncated armor', async () => (await example('example-public.asc')).subarray(0, 300), /truncated/],
  [
    'a bad CRC',
    async () =>
      Buffer.from(
        (await example('example-public.asc'))
          .toString()
          .replace(/^=(.{4})$/m, (_m, c: string) => `=${c === 'AAAA' ? 'BBBB' : 'AAAA'}`),
      ),
    /checksum \(CRC\) does not match/,
  ],
  [
    'a revocation certificate',
    () => example('example-revocation.asc'),
    /holds a signature \(such as a revocation certificate\), not a key/,
  ],
  [
    'a signature instead of a key',
    () => Buffer.from('-----BEGIN PGP SIGNATURE-----\n\nwnUEARYKAB0WIQQ=\n-----END PGP SIGNATURE-----\n'),
    /holds a "SIGNATURE", not a key/,
  ],
];
for (const [title, make, message] of bad) {
  test(`bad key input is an InputError naming the file: ${title}`, async (t) => {
    const error = await t.throwsAsync(readKeysFromBytes(await make('bad.asc'), 'bad.asc'));
    t.true(error instanceof DistsealError);
    t.is((error as DistsealError).kind, 'input');
    t.regex(error!.message, message);
  });
}

test('selectors: full fingerprint, 16+ hex suffix, e-mail, user ID; short IDs refused; ambiguity reported', (t) => {
  const keys = [
    {
      fingerprint: 'A'.repeat(24) + '1111222233334444',
      subkeyFingerprints: ['C'.repeat(40)],
      userIDs: ['Alice <alice@example.org>'],
    },
    {
      fingerprint: 'B'.repeat(24) + '5555666677778888',
      subkeyFingerprints: [],
      userIDs: ['Alice Second <alice2@example.org>'],
    },
  ];
  t.is(selectKey(keys, keys[0]!.fingerprint.toLowerCase(), 'your keys'), keys[0]);
  t.is(selectKey(keys, '5555666677778888', 'your keys'), keys[1]);
  t.is(selectKey(keys, '0x' + 'C'.repeat(16), 'your keys'), keys[0], 'a subkey fingerprint names its key');
  t.is(selectKey(keys, 'alice@example.org', 'your keys'), keys[0], 'an exact e-mail wins over a substring');
  t.is(selectKey(keys, 'second', 'your keys'), keys[1]);
  t.is(t.throws(() => selectKey(keys, '77778888', 'your keys'))!.message.includes('too short'), true);
  const amb = t.throws(() => selectKey(keys, 'alice', 'your keys')) as DistsealError;
  t.is(amb.code, 'E_KEY_AMBIGUOUS');
  t.is(
    (t.throws(() => selectKey(keys, 'DDDDDDDDDDDDDDDD', 'your keys')) as DistsealError).code,
    'E_KEY_NOT_FOUND',
  );
});

test('expiry forms: never, Nd/Nw/Nm/Ny, a date; the past and nonsense are refused', (t) => {
  const now = new Date('2026-01-01T00:00:00Z');
  t.is(parseExpiry('never', now), 0);
  t.is(parseExpiry('10d', now), 10 * 86400);
  t.is(parseExpiry('2w', now), 14 * 86400);
  t.is(parseExpiry('1m', now), 31 * 86400);
  t.is(parseExpiry('1y', now), 365 * 86400);
  t.is(parseExpiry('2026-01-02', now), 86400 + 23 * 3600 + 59 * 60 + 59);
  t.regex(t.throws(() => parseExpiry('2020-01-01', now))!.message, /in the past/);
  t.regex(t.throws(() => parseExpiry('soon', now))!.message, /not an expiry/);
  t.regex(t.throws(() => parseExpiry('2026-02-30', now))!.message, /not a real date/);
});

test('user IDs with control characters or a malformed e-mail are refused', (t) => {
  t.deepEqual(buildUserID('Jane Doe', 'jane@example.org'), { name: 'Jane Doe', email: 'jane@example.org' });
  t.regex(t.throws(() => buildUserID('Jane\nDoe', 'jane@example.org'))!.message, /control characters/);
  t.regex(t.throws(() => buildUserID('Jane \x1b[31mDoe', undefined))!.message, /control characters/);
  t.regex(t.throws(() => buildUserID('Jane', 'not-an-address'))!.message, /not an e-mail/);
  t.regex(t.throws(() => buildUserID(undefined, undefined))!.message, /--name and\/or --email/);
});

test('merge: re-import is unchanged; new user ID and revocation merge; secret is never dropped by a public re-import', async (t) => {
  const key = await newKey('m@example.org');
  t.is((await mergeKey(key, key)).status, 'unchanged');
  const withUid = (
    await openpgp.reformatKey({
      privateKey: key,
      userIDs: [{ email: 'm@example.org' }, { email: 'm2@example.org' }],
      date: key.getCreationTime(),
      format: 'object',
    })
  ).privateKey;
  const merged = await mergeKey(key.toPublic(), withUid.toPublic());
  t.is(merged.status, 'updated');
  t.true(merged.key.getUserIDs().includes('<m2@example.org>'));
  const upgraded = await mergeKey(key.toPublic(), key);
  t.true(upgraded.key.isPrivate(), 'a secret import upgrades a public key');
  t.true(upgraded.changes.includes('secret key added'));
  const kept = await mergeKey(key, key.toPublic());
  t.true(kept.key.isPrivate(), 'a public re-import keeps the secret');
  const revoked = (await openpgp.revokeKey({ key, format: 'object' })).publicKey;
  const r = await mergeKey(key, revoked);
  t.true(r.changes.includes('now revoked'));
  t.true(r.key.isPrivate());
  t.true(await r.key.isRevoked());
});

test('a name shared with revoked or expired keys resolves to the one valid key, and says so', async (t) => {
  const userIDs = [{ name: 'Maya', email: 'maya@example.org' }];
  const gen = (extra: object = {}) =>
    openpgp.generateKey({ userIDs, format: 'object', ...extra }).then((k) => k.privateKey);
  const valid = await gen();
  const old = await gen();
  const { privateKey: revoked } = await openpgp.revokeKey({ key: old, format: 'object' });
  const expired = await gen({ date: new Date(Date.now() - 10 * 86400_000), keyExpirationTime: 86400 });
  const notes: string[] = [];
  const logger = { info: (m: string) => notes.push(m), warn: () => undefined, debug: () => undefined };
  const keys = await selectable([revoked, valid, expired].map((key) => ({ key })));
  t.deepEqual(
    keys.map((k) => k.unusable),
    ['revoked', undefined, 'expired'],
  );
  const hit = selectKey(keys, 'maya@example.org', 'your keys', logger);
  t.is(hit.fingerprint, valid.getFingerprint().toUpperCase());
  t.is(notes.length, 2);
  t.regex(notes[0]!, /which is revoked: using/);
  // Two valid keys (or only unusable ones) stay ambiguous.
  const other = await gen();
  const two = await selectable([valid, other].map((key) => ({ key })));
  t.throws(() => selectKey(two, 'maya@example.org', 'your keys'), { message: /matches 2 keys/ });
  const none = await selectable([revoked, expired].map((key) => ({ key })));
  t.throws(() => selectKey(none, 'Maya', 'your keys'), { message: /matches 2 keys/ });
});
