import test from 'ava';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { projectsFromFilename } from '../../src/core/names.js';
import { createDetachedSignature } from '../../src/core/sign/index.js';
import { verifyFile, verifyManifest } from '../../src/core/verify/index.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { testKey } from '../sign/keys.js';

/**
 * Item 5 of issue 9: with `requests` pinned to key A, a file signed by trusted key B used to
 * verify when named `requests-2.0.tgz`, `.tar.bz2`, `.tar.xz`, `.tar` or `Requests-2.0.ZIP`.
 * Every name pip accepts now carries the pins, and a name that tells no project fails closed.
 */

const RENAMES = [
  'requests-2.0.tar.gz',
  'requests-2.0.tgz',
  'requests-2.0.tar',
  'requests-2.0.tar.bz2',
  'requests-2.0.tbz',
  'requests-2.0.tar.xz',
  'requests-2.0.txz',
  'requests-2.0.tlz',
  'requests-2.0.tar.lz',
  'requests-2.0.tar.lzma',
  'requests-2.0.zip',
  'Requests-2.0.ZIP',
  'REQUESTS-2.0.TAR.GZ',
  'requests-2.0-1.tgz',
  'requests-v2.0.tar.gz',
  'requests-2.0-py3-none-any.whl',
  'requests-2.0-py3-none-any.WHL',
  'requests-2.0-0.tar.bz2',
  'requests-2.0-0.conda',
];

async function setup() {
  const { dir, cleanup } = await tempDir('distseal-rename-');
  const a = await testKey('ed25519', 'Pinned A');
  const b = await testKey('ed25519', 'Trusted B');
  const policy = { version: 1 as const, projects: { requests: [a.fingerprint] } };
  const signed = async (name: string, key = b) => {
    const file = path.join(dir, name);
    await fs.writeFile(file, `bytes of ${name}\n`);
    await fs.writeFile(`${file}.asc`, await createDetachedSignature(file, key.privateKey));
    return file;
  };
  return { dir, cleanup, a, b, policy, signed, keys: [a.publicKey, b.publicKey] };
}

test('every archive name pip accepts carries the pins: a file signed by another trusted key fails', async (t) => {
  const s = await setup();
  t.teardown(s.cleanup);
  for (const name of RENAMES) {
    const r = await verifyFile({ file: await s.signed(name), keys: s.keys, policy: s.policy });
    t.false(r.verified, name);
    t.is(r.signatures[0]!.reason.code, 'E_NOT_PINNED', name);
  }
  // The pinned key still verifies them.
  for (const name of ['requests-2.0.tgz', 'Requests-2.0.ZIP', 'requests-2.0-1.tgz']) {
    const file = await s.signed(name, s.a);
    t.true((await verifyFile({ file, keys: s.keys, policy: s.policy })).verified, name);
  }
});

test('projectsFromFilename: every reading of a name, conda and pip alike', (t) => {
  const names = (n: string) => projectsFromFilename(n).map((r) => `${r.ecosystem}:${r.name}`);
  t.deepEqual(names('requests-2.0-1.tgz'), ['python:requests', 'python:requests-2-0']);
  t.deepEqual(names('my-pkg-1.0.tar.bz2'), ['conda:my', 'python:my-pkg']);
  t.deepEqual(names('numpy-1.26.4-py312h1_0.conda'), ['conda:numpy']);
  t.deepEqual(names('Foo_Bar-1.0-py3-none-any.whl'), ['python:foo-bar']);
  t.deepEqual(names('foo-bar-1.0.tar.gz'), ['python:foo-bar']);
  t.deepEqual(names('SHA256SUMS'), []);
  t.deepEqual(names('requests.tar.gz'), []);
  t.deepEqual(names('notes-final.txt'), []);
});

test('pins exist and the name tells no project: fail closed, unless --project names it', async (t) => {
  const s = await setup();
  t.teardown(s.cleanup);
  const byB = await s.signed('release.bin');
  const r = await verifyFile({ file: byB, keys: s.keys, policy: s.policy });
  t.false(r.verified);
  t.is(r.problems[0]!.code, 'E_PROJECT_UNKNOWN');
  t.regex(r.problems[0]!.hint!, /--project NAME/);
  // Named, the project's pins apply: B is not allowed, A is.
  const named = await verifyFile({ file: byB, keys: s.keys, policy: s.policy, project: 'requests' });
  t.false(named.verified);
  t.is(named.signatures[0]!.reason.code, 'E_NOT_PINNED');
  const byA = await s.signed('other.bin', s.a);
  t.true((await verifyFile({ file: byA, keys: s.keys, policy: s.policy, project: 'requests' })).verified);
  // A project the policy does not name: any trusted key.
  t.true((await verifyFile({ file: byB, keys: s.keys, policy: s.policy, project: 'flask' })).verified);
  // No pins at all: nothing to fail closed about.
  t.true((await verifyFile({ file: byB, keys: s.keys, policy: { version: 1, projects: {} } })).verified);
});

test('two readings pinned to different keys: no key may sign it, and the message says why', async (t) => {
  const s = await setup();
  t.teardown(s.cleanup);
  const policy = {
    version: 1 as const,
    projects: { 'my-pkg': [s.a.fingerprint], 'conda:my': [s.b.fingerprint] },
  };
  const r = await verifyFile({ file: await s.signed('my-pkg-1.0.tar.bz2', s.a), keys: s.keys, policy });
  t.false(r.verified);
  t.is(
    r.signatures[0]!.reason.message,
    `good signature by ${s.a.fingerprint}, but the trust policy pins conda:my and my-pkg to keys that have none in common, so no key may sign this file`,
  );
});

test('a manifest entry whose name tells no project fails closed when pins exist', async (t) => {
  const s = await setup();
  t.teardown(s.cleanup);
  await fs.writeFile(path.join(s.dir, 'release.bin'), 'x\n');
  const { sha256File } = await import('../../src/core/sign/index.js');
  const manifest = path.join(s.dir, 'SHA256SUMS');
  await fs.writeFile(manifest, `${await sha256File(path.join(s.dir, 'release.bin'))}  release.bin\n`);
  await fs.writeFile(`${manifest}.asc`, await createDetachedSignature(manifest, s.a.privateKey));
  const r = await verifyManifest({ manifest, keys: s.keys, policy: s.policy });
  t.true(r.manifest.verified, 'the manifest itself is no project: its own signature is not held to pins');
  t.false(r.verified);
  t.is(r.entries[0]!.status, 'unknown-project');
});

test('CLI: exit 3 with a hint naming --project; --project NAME applies the pins', async (t) => {
  const s = await setup();
  t.teardown(s.cleanup);
  const home = path.join(s.dir, 'home');
  const keyFile = path.join(s.dir, 'keys');
  await fs.mkdir(keyFile);
  await fs.writeFile(path.join(keyFile, 'a.asc'), s.a.publicKey.armor());
  await fs.writeFile(path.join(keyFile, 'b.asc'), s.b.publicKey.armor());
  const policy = path.join(s.dir, 'trust.json');
  await fs.writeFile(policy, JSON.stringify(s.policy));
  const file = await s.signed('release.bin', s.a);
  const base = ['--home', home, 'verify', file, '--keyring', keyFile, '--policy', policy];
  const unknown = await runCli(base);
  t.is(unknown.code, 3, unknown.stdout + unknown.stderr);
  t.regex(unknown.stdout, /does not tell which project/);
  t.regex(unknown.stdout, /--project NAME/);
  const named = await runCli([...base, '--project', 'requests']);
  t.is(named.code, 0, named.stdout + named.stderr);
  const bad = await runCli([...base, '--project', 'not a name!']);
  t.is(bad.code, 2);
});
