import { execFileSync } from 'node:child_process';
import { copyFile, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { peerTest } from '../helpers/peers.js';
import { startIndexServer, TEST_TOKEN, type IndexServer } from '../helpers/pypi-server.js';
import { FIXTURES, KEYS_EXAMPLE, runCli, tempDir } from '../helpers/cli.js';

const PY = path.join(FIXTURES, 'python');
const WHEEL = path.join(PY, 'distseal_sample-1.0.0-py3-none-any.whl');
const SDIST = path.join(PY, 'distseal-sample-1.0.0.tar.gz');
const PASSPHRASE = 'example-passphrase-do-not-use';
/** Tests that change a wheel with Debian's python3 (same name, different bytes). */
const python = peerTest(['/usr/bin/python3']);

function addZipMember(file: string): void {
  execFileSync('/usr/bin/python3', [
    '-c',
    'import zipfile,sys;z=zipfile.ZipFile(sys.argv[1],"a");z.writestr("extra.txt","x");z.close()',
    file,
  ]);
}

async function withServer(
  t: { teardown: (fn: () => Promise<void>) => void },
  options = {},
): Promise<IndexServer> {
  const server = await startIndexServer(options);
  t.teardown(() => server.close());
  return server;
}

async function workdir(t: { teardown: (fn: () => Promise<void>) => void }): Promise<string> {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  return dir;
}

/** Run `upload pypi` with a throwaway HOME and distseal home. */
function upload(dir: string, args: string[], env: Record<string, string> = {}) {
  return runCli(['--home', path.join(dir, 'home'), 'upload', 'pypi', '--retry-delay', '1', ...args], {
    env: { HOME: dir, ...env },
    cwd: dir,
  });
}

test('uploads a wheel and an sdist, wheel first, with the fields twine 6 sends', async (t) => {
  const server = await withServer(t);
  const dir = await workdir(t);
  const r = await upload(dir, ['--repository-url', server.uploadUrl, '-u', '__token__', SDIST, WHEEL], {
    TWINE_PASSWORD: TEST_TOKEN,
  });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /uploaded\s+\S*distseal_sample-1\.0\.0-py3-none-any\.whl/);
  t.is(server.uploads.length, 2);
  const names = server.uploads[0]!.parts.map((p) => p.name);
  t.deepEqual(names.slice(0, 5), [':action', 'protocol_version', 'metadata_version', 'name', 'version']);
  t.is(names.at(-1), 'content');
  t.false(names.includes('md5_digest'));
  t.true(names.includes('blake2_256_digest'));
  t.is(
    server.uploads[0]!.parts.find((p) => p.name === 'content')!.filename,
    'distseal_sample-1.0.0-py3-none-any.whl',
  );
  t.is(server.uploads[1]!.parts.find((p) => p.name === 'pyversion')!.value, 'source');
  t.is(server.uploads[0]!.parts.find((p) => p.name === 'keywords')!.value, 'sample, test');
  const stored = await stat(path.join(server.dir, 'packages', 'distseal_sample-1.0.0-py3-none-any.whl'));
  t.is(stored.size, (await stat(WHEEL)).size);
  t.false(r.stderr.includes(TEST_TOKEN));
  // The CLI hands the core its real version for the User-Agent (the core never hard-codes one).
  const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8'));
  t.regex(String(server.uploads[0]!.headers['user-agent']), new RegExp(`^distseal/${pkg.version} node/`));
});

python(
  'identical re-upload is a no-op; different bytes are refused unless --skip-existing, and the batch goes on',
  async (t) => {
    const server = await withServer(t);
    const dir = await workdir(t);
    const env = { TWINE_USERNAME: '__token__', TWINE_PASSWORD: TEST_TOKEN };
    t.is((await upload(dir, ['--repository-url', server.uploadUrl, WHEEL], env)).code, 0);
    t.is((await upload(dir, ['--repository-url', server.uploadUrl, WHEEL], env)).code, 0);
    // Same name, different bytes.
    const changed = path.join(dir, path.basename(WHEEL));
    await copyFile(path.join(PY, 'flit_sample-0.3.0-py3-none-any.whl'), path.join(dir, 'tmp.whl'));
    await copyFile(WHEEL, changed);
    addZipMember(changed);
    const refused = await upload(dir, ['--repository-url', server.uploadUrl, changed, SDIST], env);
    t.is(refused.code, 1);
    t.regex(refused.stderr, /400 Bad Request: File already exists/);
    t.regex(refused.stdout, /failed\s+distseal_sample.*\n\s+not-attempted\s+.*tar\.gz/);
    const skipped = await upload(
      dir,
      ['--repository-url', server.uploadUrl, '--skip-existing', changed, SDIST],
      env,
    );
    t.is(skipped.code, 0, skipped.stderr);
    t.regex(skipped.stdout, /skipped\s+distseal_sample-1\.0\.0-py3-none-any\.whl/);
    t.regex(skipped.stdout, /uploaded\s+.*distseal-sample-1\.0\.0\.tar\.gz/);
  },
);

python('pypiserver-style 409 counts as existing under --skip-existing', async (t) => {
  const server = await withServer(t, { flavor: 'pypiserver' });
  const dir = await workdir(t);
  const env = { TWINE_USERNAME: '__token__', TWINE_PASSWORD: TEST_TOKEN };
  const changed = path.join(dir, path.basename(WHEEL));
  await copyFile(WHEEL, changed);
  t.is((await upload(dir, ['--repository-url', server.uploadUrl, WHEEL], env)).code, 0);
  addZipMember(changed);
  const r = await upload(
    dir,
    ['--repository-url', server.uploadUrl, '--skip-existing', '--json', changed],
    env,
  );
  t.is(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  t.is(json.results[0].status, 'skipped');
  t.is(json.results[0].httpStatus, 409);
});

test('403 for a bad token: exit 1 with the server message', async (t) => {
  const server = await withServer(t);
  const dir = await workdir(t);
  const r = await upload(dir, ['--repository-url', server.uploadUrl, '-u', '__token__', '--json', WHEEL], {
    TWINE_PASSWORD: 'pypi-wrong',
  });
  t.is(r.code, 1);
  t.regex(r.stderr, /403 Forbidden: Invalid or non-existent authentication/);
  const json = JSON.parse(r.stdout);
  t.is(json.ok, false);
  t.is(json.results[0].status, 'failed');
  t.is(json.results[0].httpStatus, 403);
});

test('a missing trailing slash is named; redirects are never followed', async (t) => {
  const server = await withServer(t);
  const dir = await workdir(t);
  const r = await upload(
    dir,
    ['--repository-url', server.uploadUrl.replace(/\/$/, ''), '-u', '__token__', WHEEL],
    { TWINE_PASSWORD: TEST_TOKEN },
  );
  t.is(r.code, 1);
  t.regex(r.stderr, /the URL needs a trailing slash/);
  t.is(server.uploads.length, 0);
  server.faults.push({ kind: 'redirect', location: 'https://elsewhere.example/upload/' });
  const r2 = await upload(dir, ['--repository-url', server.uploadUrl, '-u', '__token__', WHEEL], {
    TWINE_PASSWORD: TEST_TOKEN,
  });
  t.is(r2.code, 1);
  t.regex(
    r2.stderr,
    /redirecting to https:\/\/elsewhere\.example\/upload\/; distseal does not follow redirects/,
  );
});

test('5xx, a dropped connection and a slow response are retried, and the upload lands', async (t) => {
  const server = await withServer(t);
  const dir = await workdir(t);
  server.faults.push(
    { kind: 'status', status: 503, message: 'Service Unavailable' },
    { kind: 'drop' },
    { kind: 'slow', delayMs: 600_000 },
  );
  const big = path.join(dir, 'distseal_sample-1.0.0-py3-none-any.whl');
  await copyFile(WHEEL, big);
  const r = await upload(
    dir,
    ['--repository-url', server.uploadUrl, '-u', '__token__', '--timeout', '3', big],
    { TWINE_PASSWORD: TEST_TOKEN },
  );
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /503 Service Unavailable\); retry 1 of 5/);
  t.regex(r.stderr, /retry 2 of 5/);
  t.regex(r.stderr, /retry 3 of 5/);
  t.regex(r.stdout, /uploaded/);
});

test('retries are bounded: a server that keeps failing ends in exit 1', async (t) => {
  const server = await withServer(t);
  const dir = await workdir(t);
  for (let i = 0; i < 3; i += 1) server.faults.push({ kind: 'status', status: 502, message: 'Bad Gateway' });
  const r = await upload(
    dir,
    ['--repository-url', server.uploadUrl, '-u', '__token__', '--retries', '2', WHEEL],
    { TWINE_PASSWORD: TEST_TOKEN },
  );
  t.is(r.code, 1);
  t.regex(r.stderr, /retry 2 of 2/);
  t.regex(r.stderr, /502 Bad Gateway/);
  t.is(server.uploads.length, 3);
});

test('a server that is down: exit 1, connection refused', async (t) => {
  const server = await startIndexServer();
  const url = server.uploadUrl;
  await server.close();
  const dir = await workdir(t);
  const r = await upload(dir, ['--repository-url', url, '-u', '__token__', WHEEL], {
    TWINE_PASSWORD: TEST_TOKEN,
  });
  t.is(r.code, 1);
  t.regex(r.stderr, /connection refused/);
});

test('missing credentials with --non-interactive: exit 2 naming every way', async (t) => {
  const server = await withServer(t);
  const dir = await workdir(t);
  const r = await upload(dir, [
    '--repository-url',
    server.uploadUrl,
    '-u',
    'alice',
    '--non-interactive',
    WHEEL,
  ]);
  t.is(r.code, 2);
  t.regex(r.stderr, /No password for/);
  t.regex(r.stderr, /TWINE_PASSWORD/);
  t.regex(r.stderr, /OS keychain/);
  t.is(server.uploads.length, 0);
});

test('.pypirc: -r section, server-login defaults, malformed file, missing section', async (t) => {
  const server = await withServer(t);
  const dir = await workdir(t);
  await writeFile(
    path.join(dir, '.pypirc'),
    `[distutils]\nindex-servers =\n    local\n\n[server-login]\nusername = __token__\n\n[local]\nrepository = ${server.uploadUrl}\npassword = ${TEST_TOKEN}\n`,
  );
  const ok = await upload(dir, ['-r', 'local', '--verbose', WHEEL]);
  t.is(ok.code, 0, ok.stderr);
  t.regex(ok.stderr, /Using password for .* from the \[local\] section/);
  t.false(ok.stderr.includes(TEST_TOKEN));
  const missing = await upload(dir, ['-r', 'nope', WHEEL]);
  t.is(missing.code, 2);
  t.regex(missing.stderr, /Missing 'nope' section from .*\.pypirc/);
  await writeFile(path.join(dir, 'bad.pypirc'), '[local]\nrepository\n');
  const bad = await upload(dir, ['--config-file', 'bad.pypirc', '-r', 'local', WHEEL]);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /bad\.pypirc is malformed at line 2/);
  await writeFile(
    path.join(dir, 'unlisted.pypirc'),
    `[distutils]\nindex-servers = pypi\n[local]\nrepository = ${server.uploadUrl}\n`,
  );
  const unlisted = await upload(dir, ['--config-file', 'unlisted.pypirc', '-r', 'local', WHEEL]);
  t.is(unlisted.code, 2);
  t.regex(unlisted.stderr, /not listed in \[distutils\] index-servers/);
});

test('--dry-run shows fields, digests, target and credential source without connecting', async (t) => {
  const server = await withServer(t);
  const dir = await workdir(t);
  const r = await upload(dir, ['--repository-url', server.uploadUrl, '--dry-run', WHEEL], {
    TWINE_PASSWORD: TEST_TOKEN,
    TWINE_USERNAME: '__token__',
  });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /Dry run: nothing was sent/);
  t.regex(r.stdout, /password\/token from TWINE_PASSWORD/);
  t.regex(r.stdout, /sha256_digest = "[0-9a-f]{64}"/);
  t.is(server.uploads.length, 0);
});

test('bad input is refused before anything is sent and nothing local changes', async (t) => {
  const server = await withServer(t);
  const dir = await workdir(t);
  const { makeWheel } = await import('../helpers/bad-dists.js');
  const mismatched = makeWheel(dir, 'other', '2.0');
  const renamed = path.join(dir, 'wrongname-2.0-py3-none-any.whl');
  await copyFile(mismatched, renamed);
  const before = await readFile(renamed);
  const r = await upload(dir, ['--repository-url', server.uploadUrl, '-u', '__token__', WHEEL, renamed], {
    TWINE_PASSWORD: TEST_TOKEN,
  });
  t.is(r.code, 2);
  t.regex(
    r.stderr,
    /wrongname-2\.0-py3-none-any\.whl has invalid metadata.*filename says project 'wrongname'/,
  );
  t.is(server.uploads.length, 0);
  t.deepEqual(await readFile(renamed), before);
  const notDist = await upload(dir, ['--repository-url', server.uploadUrl, path.join(PY, 'make.sh')], {
    TWINE_PASSWORD: TEST_TOKEN,
  });
  t.is(notDist.code, 2);
  t.regex(notDist.stderr, /make\.sh is not a Python dist/);
});

test('a .asc beside the dist is checked against your key and sent as gpg_signature; a stale one is refused', async (t) => {
  const server = await withServer(t);
  const dir = await workdir(t);
  const home = path.join(dir, 'home');
  t.is(
    (
      await runCli(['--home', home, 'keys', 'import', path.join(KEYS_EXAMPLE, 'example-secret.asc')], {
        env: { HOME: dir },
      })
    ).code,
    0,
  );
  const wheel = path.join(dir, path.basename(WHEEL));
  await copyFile(WHEEL, wheel);
  const env = { TWINE_USERNAME: '__token__', TWINE_PASSWORD: TEST_TOKEN, DISTSEAL_PASSPHRASE: PASSPHRASE };
  const r = await upload(dir, ['--repository-url', server.uploadUrl, '--sign', wheel], env);
  t.is(r.code, 0, r.stderr);
  const part = server.uploads[0]!.parts.find((p) => p.name === 'gpg_signature')!;
  t.is(part.filename, `${path.basename(WHEEL)}.asc`);
  t.is(part.contentType, undefined);
  const stored = await readFile(path.join(server.dir, 'packages', `${path.basename(WHEEL)}.asc`), 'utf8');
  t.is(stored, await readFile(`${wheel}.asc`, 'utf8'));
  // A stale signature: the wheel is rebuilt (different bytes) but the old .asc stays.
  const sdist = path.join(dir, path.basename(SDIST));
  await copyFile(SDIST, sdist);
  await copyFile(`${wheel}.asc`, `${sdist}.asc`);
  const stale = await upload(dir, ['--repository-url', server.uploadUrl, sdist], env);
  t.is(stale.code, 3);
  t.regex(stale.stderr, /distseal-sample-1\.0\.0\.tar\.gz\.asc .*(stale|not a good signature)/);
  t.is(server.uploads.length, 1);
});

test('signatures by themselves are refused, twine-style', async (t) => {
  const dir = await workdir(t);
  const asc = path.join(dir, 'x-1.0.tar.gz.asc');
  await writeFile(asc, '-----BEGIN PGP SIGNATURE-----\n');
  const r = await upload(dir, ['--repository-url', 'http://127.0.0.1:9/legacy/', WHEEL, asc]);
  t.is(r.code, 2);
  t.regex(r.stderr, /Cannot upload signed files by themselves/);
});

test('--skip-existing names a different file loudly (simple page sha256); a 409 without it gets the hint', async (t) => {
  const server = await withServer(t, { flavor: 'pypiserver' });
  const dir = await workdir(t);
  const env = { TWINE_USERNAME: '__token__', TWINE_PASSWORD: TEST_TOKEN };
  t.is((await upload(dir, ['--repository-url', server.uploadUrl, WHEEL], env)).code, 0);
  const changed = path.join(dir, path.basename(WHEEL));
  await copyFile(WHEEL, changed);
  const { execFileSync } = await import('node:child_process');
  execFileSync('/usr/bin/python3', [
    '-c',
    'import zipfile,sys;z=zipfile.ZipFile(sys.argv[1],"a");z.writestr("extra.txt","x");z.close()',
    changed,
  ]);
  const r = await upload(
    dir,
    ['--repository-url', server.uploadUrl, '--skip-existing', '--json', changed],
    env,
  );
  t.is(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  t.is(json.results[0].status, 'skipped');
  t.is(json.results[0].existing, 'different');
  t.regex(r.stderr, /warning: .*DIFFERENT file/);
  const refused = await upload(dir, ['--repository-url', server.uploadUrl, changed], env);
  t.is(refused.code, 1);
  t.regex(refused.stderr, /409 Conflict/);
  t.regex(refused.stderr, /hint: .*--skip-existing/);
});

test("a co-maintainer's .asc by a trusted key is sent; one by an unknown key is refused; no key at all points to --from-gpg", async (t) => {
  const server = await withServer(t);
  const dir = await workdir(t);
  const home = path.join(dir, 'home');
  const { testKey } = await import('../sign/keys.js');
  const { signFiles } = await import('../../src/core/sign/index.js');
  const wheel = path.join(dir, path.basename(WHEEL));
  await copyFile(WHEEL, wheel);
  const env = { TWINE_USERNAME: '__token__', TWINE_PASSWORD: TEST_TOKEN, DISTSEAL_PASSPHRASE: PASSPHRASE };
  const stranger = await testKey('ed25519', 'Stranger');
  await signFiles({ files: [wheel], signingKey: stranger.privateKey });
  const none = await upload(dir, ['--repository-url', server.uploadUrl, wheel], env);
  t.is(none.code, 2);
  t.regex(none.stderr, /keys import --from-gpg/);
  const imp = await runCli(['--home', home, 'keys', 'import', path.join(KEYS_EXAMPLE, 'example-secret.asc')]);
  t.is(imp.code, 0, imp.stderr);
  const unknown = await upload(dir, ['--repository-url', server.uploadUrl, '--sign', wheel], env);
  t.is(unknown.code, 3);
  t.regex(unknown.stderr, /not a good signature .* by your own key or a trusted key/);
  t.is(server.uploads.length, 0);
  const co = await testKey('ed25519', 'Co Maintainer');
  const pub = path.join(dir, 'co.asc');
  await writeFile(pub, co.publicKey.armor());
  const trusted = await runCli(['--home', home, 'trust', 'add', pub], { env: { HOME: dir } });
  t.is(trusted.code, 0, trusted.stderr);
  await signFiles({ files: [wheel], signingKey: co.privateKey, force: true });
  const sent = await upload(dir, ['--repository-url', server.uploadUrl, '--sign', wheel], env);
  t.is(sent.code, 0, sent.stderr);
  const part = server.uploads[0]!.parts.find((p) => p.name === 'gpg_signature')!;
  t.is(part.filename, `${path.basename(WHEEL)}.asc`);
  const stored = await readFile(path.join(server.dir, 'packages', `${path.basename(WHEEL)}.asc`), 'utf8');
  t.is(stored, await readFile(`${wheel}.asc`, 'utf8'));
});
