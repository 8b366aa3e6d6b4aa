import test from 'ava';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { KEYS_EXAMPLE, runCli, tempDir } from '../helpers/cli.js';

/** `distseal sign` end to end: the built CLI, a throwaway home with the example key imported. */
const FPR = '2D28D36625F7B560715E1EC3939327BD1F11724B';
const PASS = 'example-passphrase-do-not-use';

async function setup() {
  const { dir, cleanup } = await tempDir('distseal-sign-cli-');
  const home = path.join(dir, 'home');
  const imp = await runCli(['--home', home, 'keys', 'import', path.join(KEYS_EXAMPLE, 'example-secret.asc')]);
  if (imp.code !== 0) throw new Error(`keys import failed: ${imp.stderr}`);
  const dist = path.join(dir, 'dist');
  await fs.mkdir(dist);
  const files = ['demo-1.0-py3-none-any.whl', 'demo-1.0.tar.gz', 'demo-1.0-0.conda'].map((n) =>
    path.join(dist, n),
  );
  for (const [i, f] of files.entries()) await fs.writeFile(f, `release file ${i}\n`.repeat(100 + i));
  const env = { DISTSEAL_PASSPHRASE: PASS };
  return { dir, home, dist, files, env, cleanup };
}

test('sign many files: one unlock, FILE.asc each, --json facts; a second run says already-signed', async (t) => {
  const s = await setup();
  t.teardown(s.cleanup);
  const r = await runCli(['--home', s.home, '--json', 'sign', ...s.files], { env: s.env });
  t.is(r.code, 0, r.stderr);
  t.false(r.stdout.includes(PASS) || r.stderr.includes(PASS));
  const out = JSON.parse(r.stdout);
  t.true(out.ok);
  t.is(out.results.length, 3);
  for (const res of out.results) {
    t.is(res.status, 'signed');
    t.is(res.primaryFingerprint, FPR);
    t.not(res.signingKeyFingerprint, FPR); // the example key's signing subkey
    t.regex(await fs.readFile(res.signatureFile, 'utf8'), /^-----BEGIN PGP SIGNATURE-----/);
  }
  // A shell glob now also matches the .asc files: they are not signed again.
  const again = await runCli(
    ['--home', s.home, '--json', 'sign', ...s.files, ...s.files.map((f) => `${f}.asc`)],
    { env: s.env },
  );
  t.is(again.code, 0, again.stderr);
  t.deepEqual(
    JSON.parse(again.stdout).results.map((x: { status: string }) => x.status),
    ['already-signed', 'already-signed', 'already-signed'],
  );
  const dir = await fs.readdir(s.dist);
  t.false(
    dir.some((n) => n.endsWith('.tmp')),
    'no temp files left',
  );
});

test('an existing .asc that is not ours is refused (exit 2, nothing written) unless --force', async (t) => {
  const s = await setup();
  t.teardown(s.cleanup);
  const asc = `${s.files[0]}.asc`;
  await fs.writeFile(asc, 'not a signature');
  const r = await runCli(['--home', s.home, 'sign', ...s.files], { env: s.env });
  t.is(r.code, 2);
  t.regex(r.stderr, /already exists/);
  t.regex(r.stderr, /--force/);
  t.is(await fs.readFile(asc, 'utf8'), 'not a signature');
  t.false(
    await fs.stat(`${s.files[1]}.asc`).then(
      () => true,
      () => false,
    ),
    'checked every file before writing any',
  );
  const forced = await runCli(['--home', s.home, 'sign', '--force', ...s.files], { env: s.env });
  t.is(forced.code, 0, forced.stderr);
  t.regex(await fs.readFile(asc, 'utf8'), /BEGIN PGP SIGNATURE/);
});

test('--output-dir puts the signatures elsewhere; missing input and a directory are exit 2', async (t) => {
  const s = await setup();
  t.teardown(s.cleanup);
  const out = path.join(s.dir, 'sigs');
  await fs.mkdir(out);
  const r = await runCli(['--home', s.home, 'sign', '-o', out, s.files[0]!], { env: s.env });
  t.is(r.code, 0, r.stderr);
  t.true(await fs.stat(path.join(out, `${path.basename(s.files[0]!)}.asc`)).then(() => true));
  const missing = await runCli(['--home', s.home, 'sign', path.join(s.dist, 'nope.whl')], { env: s.env });
  t.is(missing.code, 2);
  t.regex(missing.stderr, /nope\.whl does not exist/);
  const dir = await runCli(['--home', s.home, 'sign', s.dist], { env: s.env });
  t.is(dir.code, 2);
  t.regex(dir.stderr, /not a regular file/);
});

test('a wrong passphrase is exit 2 and no .asc is written', async (t) => {
  const s = await setup();
  t.teardown(s.cleanup);
  const r = await runCli(['--home', s.home, 'sign', s.files[0]!], {
    env: { DISTSEAL_PASSPHRASE: 'wrong wrong wrong' },
  });
  t.is(r.code, 2, r.stderr);
  t.false(
    await fs.stat(`${s.files[0]}.asc`).then(
      () => true,
      () => false,
    ),
  );
});

test('--manifest writes a coreutils SHA256SUMS that sha256sum -c accepts, and its .asc verifies', async (t) => {
  const s = await setup();
  t.teardown(s.cleanup);
  const manifest = path.join(s.dist, 'SHA256SUMS');
  const r = await runCli(['--home', s.home, 'sign', '--manifest', manifest, ...s.files], { env: s.env });
  t.is(r.code, 0, r.stderr);
  const text = await fs.readFile(manifest, 'utf8');
  t.regex(text, /^[0-9a-f]{64} {2}demo-1\.0-py3-none-any\.whl$/m);
  t.is(text.trim().split('\n').length, 3);
  const check = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: s.dist, encoding: 'utf8' });
  t.is(check.status, 0, check.stderr);
  t.regex(check.stdout, /demo-1\.0\.tar\.gz: OK/);
  const keyring = path.join(KEYS_EXAMPLE, 'example-public.asc');
  const v = await runCli(['--home', s.home, 'verify', '--keyring', keyring, '--manifest', manifest]);
  t.is(v.code, 0, v.stdout + v.stderr);
  t.regex(v.stdout, /demo-1\.0-0\.conda: OK/);
  await fs.appendFile(s.files[2]!, 'tampered');
  const bad = await runCli(['--home', s.home, 'verify', '--keyring', keyring, '--manifest', manifest]);
  t.is(bad.code, 3);
  t.regex(bad.stdout, /demo-1\.0-0\.conda: FAILED - .*does not match/);
  const extra = path.join(s.dist, 'extra-1.0.tar.gz');
  await fs.writeFile(extra, 'x');
  const notListed = await runCli([
    '--home',
    s.home,
    '--json',
    'verify',
    '--keyring',
    keyring,
    '--manifest',
    manifest,
    s.files[0]!,
    extra,
  ]);
  t.is(notListed.code, 3);
  const data = JSON.parse(notListed.stdout);
  t.deepEqual(
    data.results.map((e: { status: string }) => e.status),
    ['ok', 'not-listed'],
  );
  await fs.rm(s.files[1]!);
  const missing = await runCli(['--home', s.home, 'verify', '--keyring', keyring, '--manifest', manifest]);
  t.is(missing.code, 3);
  t.regex(missing.stdout, /listed but missing/);
});

test('the manifest recipe runs twice: the manifest and its .asc in dist/* are left out, the list is kept', async (t) => {
  const s = await setup();
  t.teardown(s.cleanup);
  const manifest = path.join(s.dist, 'SHA256SUMS');
  const args = ['--home', s.home, '--json', 'sign', '--manifest', manifest];
  const first = await runCli([...args, ...s.files], { env: s.env });
  t.is(first.code, 0, first.stderr);
  const text = await fs.readFile(manifest, 'utf8');
  const all = (await fs.readdir(s.dist)).map((n) => path.join(s.dist, n));
  t.true(all.includes(`${manifest}.asc`));
  const second = await runCli([...args, ...all], { env: s.env });
  t.is(second.code, 0, second.stderr);
  const out = JSON.parse(second.stdout);
  t.is(out.status, 'unchanged');
  t.is(out.signature.status, 'already-signed');
  t.is(await fs.readFile(manifest, 'utf8'), text);
  // A changed list is a replacement: refused without --force, named in the message.
  await fs.writeFile(path.join(s.dist, 'new-1.0.tar.gz'), 'new');
  const changed = await runCli([...args, ...all, path.join(s.dist, 'new-1.0.tar.gz')], { env: s.env });
  t.is(changed.code, 2);
  t.regex(changed.stderr, /already exists and lists other files/);
});
