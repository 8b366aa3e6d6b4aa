import test from 'ava';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { loadKeyring } from '../../src/core/verify/index.js';
import { parseManifest, unsafeManifestName, verifyManifest } from '../../src/core/verify/manifest.js';
import { writeManifest } from '../../src/core/sign/index.js';
import { KEYS_EXAMPLE, tempDir } from '../helpers/cli.js';
import { testKey } from '../sign/keys.js';

test('loadKeyring: several armor blocks in one file, binary keys, a directory, secret keys reduced to public', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const a = await testKey('ed25519', 'Ring A');
  const b = await testKey('ed25519', 'Ring B');
  const c = await testKey('ed25519-subkey', 'Ring C');
  const both = path.join(dir, 'both.asc');
  await fs.writeFile(both, `${a.publicKey.armor()}\n${b.publicKey.armor()}`);
  t.is((await loadKeyring([both])).length, 2);
  const ringDir = path.join(dir, 'ring');
  await fs.mkdir(ringDir);
  await fs.writeFile(path.join(ringDir, 'a.asc'), a.publicKey.armor());
  await fs.writeFile(path.join(ringDir, 'bc.gpg'), Buffer.concat([b.publicKey.write(), c.publicKey.write()]));
  await fs.writeFile(path.join(ringDir, 'c-secret.pgp'), c.privateKey.armor());
  await fs.writeFile(path.join(ringDir, 'notes.txt'), 'not a key');
  const keys = await loadKeyring([ringDir, both]);
  t.deepEqual(
    keys.map((k) => k.getFingerprint().toUpperCase()).sort(),
    [a.fingerprint, b.fingerprint, c.fingerprint].sort(),
  );
  t.true(keys.every((k) => !k.isPrivate()));
  const example = await loadKeyring([path.join(KEYS_EXAMPLE, 'example-public.asc')]);
  t.is(example[0]!.getFingerprint().toUpperCase(), '2D28D36625F7B560715E1EC3939327BD1F11724B');
});

test('loadKeyring: a revocation in a second copy of the key is merged in', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const { privateKey, publicKey } = await openpgp.generateKey({
    userIDs: [{ name: 'Merge', email: 'merge@example.invalid' }],
    format: 'object',
  });
  const { publicKey: revoked } = await openpgp.revokeKey({ key: privateKey, format: 'object' });
  await fs.writeFile(path.join(dir, 'old.asc'), publicKey.armor());
  await fs.writeFile(path.join(dir, 'new.asc'), revoked.armor());
  const [key] = await loadKeyring([path.join(dir, 'old.asc'), path.join(dir, 'new.asc')]);
  t.true(await key!.isRevoked());
});

test('loadKeyring: missing paths, empty dirs and garbage are InputErrors naming the file', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const missing = await t.throwsAsync(loadKeyring([path.join(dir, 'nope.asc')]));
  t.regex(missing!.message, /nope\.asc does not exist/);
  const empty = path.join(dir, 'empty');
  await fs.mkdir(empty);
  t.regex((await t.throwsAsync(loadKeyring([empty])))!.message, /has no \.asc, \.gpg or \.pgp files/);
  const junk = path.join(dir, 'junk.gpg');
  await fs.writeFile(junk, 'definitely not a key');
  const e = await t.throwsAsync(loadKeyring([junk]));
  t.is((e as any).code, 'E_KEYRING');
  t.regex(e!.message, /junk\.gpg/);
});

test('manifest parsing: coreutils text and binary markers; malformed lines and unsafe names refused', (t) => {
  const hex = 'a'.repeat(64);
  t.deepEqual(parseManifest(`${hex}  a.whl\n${hex.toUpperCase()} *b c.tar.gz\n\n`, 'M'), [
    { sha256: hex, name: 'a.whl' },
    { sha256: hex, name: 'b c.tar.gz' },
  ]);
  t.throws(() => parseManifest('nonsense\n', 'M'), { message: /M, line 1/ });
  for (const bad of ['../etc/passwd', '/etc/passwd', 'a/../../b', 'C:evil'])
    t.true(unsafeManifestName(bad), bad);
  t.false(unsafeManifestName('sub/dir/pkg-1.0.tar.gz'));
});

test('verify --manifest refuses a signed manifest that lists a path outside its directory', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const k = await testKey('ed25519');
  const inside = path.join(dir, 'rel', 'pkg-1.0.tar.gz');
  await fs.mkdir(path.dirname(inside));
  await fs.writeFile(inside, 'x');
  const manifest = path.join(dir, 'rel', 'SHA256SUMS');
  await writeManifest({ manifest, files: [inside], signingKey: k.privateKey });
  // Rewrite and re-sign with a traversal entry, as a malicious (but trusted) signer could.
  await fs.writeFile(manifest, `${'0'.repeat(64)}  ../secret.txt\n`);
  const { signFiles } = await import('../../src/core/sign/index.js');
  await signFiles({ files: [manifest], signingKey: k.privateKey, force: true });
  const r = await verifyManifest({ manifest, keys: [k.publicKey] });
  t.true(r.manifest.verified);
  t.false(r.verified);
  t.is(r.entries[0]!.status, 'unsafe-name');
});

test('a keyring file over the keyring limit (64 MiB) is refused, naming it, before anything is parsed', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const big = path.join(dir, 'huge.asc');
  await fs.writeFile(big, '');
  await fs.truncate(big, 64 * 1024 * 1024 + 1); // sparse: no disk used
  const error = await t.throwsAsync(loadKeyring([big]));
  t.is((error as { kind?: string }).kind, 'input');
  t.true(error!.message.includes(big));
  t.regex(error!.message, /larger than/);
});
