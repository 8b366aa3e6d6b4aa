import test from 'ava';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createDetachedSignature } from '../../src/core/sign/index.js';
import { KEYS_EXAMPLE, runCli, tempDir } from '../helpers/cli.js';
import { testKey } from '../sign/keys.js';

/**
 * `distseal verify` end to end: exit codes 0 / 3 / 2, --json, --keyring (file and directory),
 * the home's trusted keyring, --signer, --policy, --threshold, --signature.
 */
async function setup() {
  const { dir, cleanup } = await tempDir('distseal-verify-cli-');
  const a = await testKey('ed25519-subkey', 'Alice Maintainer');
  const b = await testKey('ed25519', 'Bob Maintainer');
  const file = path.join(dir, 'demo_pkg-2.0-py3-none-any.whl');
  await fs.writeFile(file, 'wheel bytes\n');
  await fs.writeFile(`${file}.asc`, await createDetachedSignature(file, a.privateKey));
  const keys = path.join(dir, 'keys');
  await fs.mkdir(keys);
  await fs.writeFile(path.join(keys, 'alice.asc'), a.publicKey.armor());
  await fs.writeFile(path.join(keys, 'bob.gpg'), b.publicKey.write());
  await fs.writeFile(path.join(keys, 'README.txt'), 'ignored');
  return { dir, cleanup, a, b, file, keys };
}

test('verified (exit 0) against a keyring directory; --json carries every fact', async (t) => {
  const s = await setup();
  t.teardown(s.cleanup);
  // Flags before the file: a repeatable --keyring must not swallow the FILE after it.
  const r = await runCli([
    '--home',
    path.join(s.dir, 'home'),
    '--json',
    'verify',
    '--keyring',
    s.keys,
    '--keyring',
    path.join(s.keys, 'alice.asc'),
    s.file,
  ]);
  t.is(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  t.true(out.ok);
  const sig = out.results[0].signatures[0];
  t.is(sig.verdict, 'good');
  t.is(sig.primaryFingerprint, s.a.fingerprint);
  t.truthy(sig.signingKeyFingerprint);
  t.is(sig.userID, 'Alice Maintainer <alice.maintainer@example.invalid>');
  t.is(sig.hashAlgorithm, 'SHA256');
  t.is(sig.keyAlgorithm, 'EdDSA');
  t.regex(sig.created, /Z$/);
  t.is(sig.validAtSigning, 'valid');
  t.is(sig.validNow, 'valid');
});

test('pins: --signer for another key, --policy naming another key, --threshold 2 -> exit 3 with the reason', async (t) => {
  const s = await setup();
  t.teardown(s.cleanup);
  const home = path.join(s.dir, 'home');
  const signer = await runCli([
    '--home',
    home,
    'verify',
    s.file,
    '--keyring',
    s.keys,
    '--signer',
    s.b.fingerprint,
  ]);
  t.is(signer.code, 3);
  t.regex(signer.stdout, /--signer allows only/);
  const policy = path.join(s.dir, 'trust.json');
  await fs.writeFile(policy, JSON.stringify({ version: 1, projects: { 'Demo.Pkg': [s.b.fingerprint] } }));
  const pinned = await runCli(['--home', home, 'verify', s.file, '--keyring', s.keys, '--policy', policy]);
  t.is(pinned.code, 3);
  t.regex(pinned.stdout, /trust policy allows only/);
  const threshold = await runCli(['--home', home, 'verify', s.file, '--keyring', s.keys, '--threshold', '2']);
  t.is(threshold.code, 3);
  t.regex(threshold.stdout, /1 of 2 required/);
});

test('tampered -> 3; missing file -> 2 but the other files are still reported; bad flags -> 2', async (t) => {
  const s = await setup();
  t.teardown(s.cleanup);
  const home = path.join(s.dir, 'home');
  const copy = path.join(s.dir, 'demo_pkg-2.0.tar.gz');
  await fs.writeFile(copy, 'other');
  await fs.copyFile(`${s.file}.asc`, `${copy}.asc`);
  const tampered = await runCli(['--home', home, 'verify', copy, '--keyring', s.keys]);
  t.is(tampered.code, 3);
  t.regex(tampered.stdout, /FAILED - the signature does not match the file/);
  const mixed = await runCli([
    '--home',
    home,
    'verify',
    s.file,
    path.join(s.dir, 'missing.whl'),
    '--keyring',
    s.keys,
  ]);
  t.is(mixed.code, 2);
  t.regex(mixed.stdout, /VERIFIED/);
  t.regex(mixed.stdout, /missing\.whl: ERROR - .*does not exist/);
  const badSigner = await runCli([
    '--home',
    home,
    'verify',
    s.file,
    '--keyring',
    s.keys,
    '--signer',
    'ABCD1234',
  ]);
  t.is(badSigner.code, 2);
  t.regex(badSigner.stderr, /full fingerprint/);
  const twoWithSig = await runCli([
    '--home',
    home,
    'verify',
    s.file,
    copy,
    '--signature',
    `${s.file}.asc`,
    '--keyring',
    s.keys,
  ]);
  t.is(twoWithSig.code, 2);
});

test("the home's trusted keyring is the default; an empty one fails with a hint to trust add", async (t) => {
  const s = await setup();
  t.teardown(s.cleanup);
  const home = path.join(s.dir, 'home');
  const empty = await runCli(['--home', home, 'verify', s.file]);
  t.is(empty.code, 3);
  t.regex(empty.stdout, /trust add/);
  const pub = path.join(s.keys, 'alice.asc');
  const added = await runCli(['--home', home, 'trust', 'add', pub]);
  t.is(added.code, 0, added.stderr);
  const r = await runCli(['--home', home, 'verify', s.file, '--signature', `${s.file}.asc`]);
  t.is(r.code, 0, r.stdout + r.stderr);
  t.regex(r.stdout, /VERIFIED/);
  t.regex(r.stdout, /as claimed by the key/);
  // The example key is not trusted in this home: its signature is "could not check", exit 3.
  const example = await runCli([
    '--home',
    home,
    'verify',
    s.file,
    '--keyring',
    path.join(KEYS_EXAMPLE, 'example-public.asc'),
  ]);
  t.is(example.code, 3);
  t.regex(example.stdout, /not in the trusted keyring/);
});
