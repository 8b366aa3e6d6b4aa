import test from 'ava';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { KeyChecks, MAX_ANSWERS_PER_KEY } from '../../src/core/verify/key-checks.js';
import { verifyFile, type VerifyReport } from '../../src/core/verify/verify-file.js';
import { tempDir } from '../helpers/cli.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

async function makeKey(name: string, date: Date, keyExpirationTime?: number) {
  return openpgp.generateKey({
    userIDs: [{ name, email: `${name.toLowerCase()}@example.invalid` }],
    date,
    keyExpirationTime,
    format: 'object',
  });
}

/** Write `name` and its detached signature by `key`, made at `date`. */
async function signed(dir: string, name: string, key: openpgp.PrivateKey, date: Date): Promise<string> {
  const file = path.join(dir, name);
  const data = new TextEncoder().encode(`contents of ${name}\n`);
  await fs.writeFile(file, data);
  const message = await openpgp.createMessage({ binary: data });
  const signature = await openpgp.sign({ message, signingKeys: key, detached: true, date });
  await fs.writeFile(`${file}.asc`, signature as string);
  return file;
}

/** The whole report, to compare a cached verification with an uncached one. */
const verdict = (r: VerifyReport) => JSON.stringify(r);

test('a shared key-check cache never lends one key its answer for another: two keys, one revoked', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const created = new Date(Date.now() - 10 * DAY);
  const good = await makeKey('Good', created);
  const gone = await makeKey('Gone', created);
  const { publicKey: revoked } = await openpgp.revokeKey({ key: gone.privateKey, format: 'object' });
  const signedAt = new Date(created.getTime() + HOUR);
  const byGood = await signed(dir, 'a.whl', good.privateKey, signedAt);
  const byGone = await signed(dir, 'b.whl', gone.privateKey, signedAt);
  const keys = [good.publicKey, revoked];
  const now = new Date();
  const keyChecks = new KeyChecks();
  // The good key's answers are remembered first, at the very same times the revoked key is asked about.
  const first = await verifyFile({ file: byGood, keys, now, keyChecks });
  const second = await verifyFile({ file: byGone, keys, now, keyChecks });
  const again = await verifyFile({ file: byGood, keys, now, keyChecks });
  t.true(first.verified);
  t.false(second.verified);
  t.is(second.signatures[0]!.verdict, 'bad');
  t.true(again.verified);
  // And exactly what verifying without any cache says.
  t.is(verdict(second), verdict(await verifyFile({ file: byGone, keys, now })));
  t.is(verdict(first), verdict(await verifyFile({ file: byGood, keys, now })));
});

test('a shared key-check cache answers per time: a key valid at one check is expired at a later one', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const created = new Date(Math.floor((Date.now() - 30 * DAY) / 1000) * 1000);
  const { privateKey, publicKey } = await makeKey('Short', created, 2 * 86_400);
  const signedAt = new Date(created.getTime() + HOUR);
  const file = await signed(dir, 'c.whl', privateKey, signedAt);
  const keys = [publicKey];
  const keyChecks = new KeyChecks();
  const whileValid = new Date(created.getTime() + 2 * HOUR);
  const afterExpiry = new Date(created.getTime() + 5 * DAY);
  const early = await verifyFile({ file, keys, now: whileValid, keyChecks });
  const late = await verifyFile({ file, keys, now: afterExpiry, keyChecks });
  t.is(early.signatures[0]!.validNow, 'valid');
  t.not(late.signatures[0]!.validNow, 'valid');
  t.is(verdict(early), verdict(await verifyFile({ file, keys, now: whileValid })));
  t.is(verdict(late), verdict(await verifyFile({ file, keys, now: afterExpiry })));
});

test('the cache is used: many files signed the same second ask openpgp.js about the key once', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const created = new Date(Date.now() - DAY);
  const { privateKey, publicKey } = await makeKey('Many', created);
  const signedAt = new Date(Math.floor((Date.now() - HOUR) / 1000) * 1000);
  const files = await Promise.all(
    Array.from({ length: 6 }, (_, i) => signed(dir, `f${i}.whl`, privateKey, signedAt)),
  );
  let calls = 0;
  const original = publicKey.getSigningKey.bind(publicKey);
  publicKey.getSigningKey = (...args: Parameters<typeof original>) => {
    calls += 1;
    return original(...args);
  };
  const now = new Date();
  const count = async (keyChecks?: KeyChecks) => {
    calls = 0;
    for (const file of files)
      t.true((await verifyFile({ file, keys: [publicKey], now, keyChecks })).verified);
    return calls;
  };
  const uncached = await count();
  const cached = await count(new KeyChecks());
  t.true(uncached >= 3 * files.length, `${uncached} calls without the cache`);
  t.true(cached <= 3, `${cached} calls with the cache`);
});

test('the cache is bounded: beyond MAX_ANSWERS_PER_KEY times, the oldest answers are dropped and asked again', async (t) => {
  const created = new Date(Date.now() - 10 * DAY);
  const { publicKey } = await makeKey('Bounded', created);
  let calls = 0;
  const original = publicKey.getSigningKey.bind(publicKey);
  publicKey.getSigningKey = (...args: Parameters<typeof original>) => {
    calls += 1;
    return original(...args);
  };
  const keyChecks = new KeyChecks();
  const id = publicKey.getKeyID();
  const at = (i: number) => new Date(created.getTime() + HOUR + i * 1000);
  for (let i = 0; i <= MAX_ANSWERS_PER_KEY; i += 1) await keyChecks.validityAt(publicKey, id, at(i));
  t.is(calls, MAX_ANSWERS_PER_KEY + 1);
  await keyChecks.validityAt(publicKey, id, at(MAX_ANSWERS_PER_KEY));
  t.is(calls, MAX_ANSWERS_PER_KEY + 1, 'the newest answer is kept');
  t.is((await keyChecks.validityAt(publicKey, id, at(0))).status, 'valid');
  t.is(calls, MAX_ANSWERS_PER_KEY + 2, 'the oldest was dropped and asked again');
});
