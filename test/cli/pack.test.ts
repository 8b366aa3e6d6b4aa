import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { KEYS_EXAMPLE, ROOT, tempDir } from '../helpers/cli.js';

/**
 * `npm pack` makes a tarball that installs and runs (issue 15 item 17): packed from a copy of the
 * sources with no dist/ (a clean clone), so only `prepack` can have built it. The tarball's own
 * files run with the project's dependencies; the real `npm install -g --prefix` (and npx) needs the
 * registry for the dependencies' metadata, so it runs only with DISTSEAL_TEST_NPM_REGISTRY=1.
 */
function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function pack(t: { teardown: (fn: () => Promise<void>) => void }) {
  const { dir, cleanup } = await tempDir('distseal-pack-');
  t.teardown(cleanup);
  const src = path.join(dir, 'src-copy');
  await fs.mkdir(src);
  for (const f of [
    'package.json',
    'package-lock.json',
    'tsconfig.json',
    'tsconfig.build.json',
    'README.md',
    'CHANGELOG.md',
  ])
    await fs.copyFile(path.join(ROOT, f), path.join(src, f));
  for (const d of ['bin', 'src', 'docs', 'scripts', 'data'])
    await fs.cp(path.join(ROOT, d), path.join(src, d), { recursive: true });
  await fs.symlink(path.join(ROOT, 'node_modules'), path.join(src, 'node_modules'));
  const packed = await run('npm', ['pack', '--json', '--pack-destination', dir], src);
  if (packed.code !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
  const info = JSON.parse(packed.stdout)[0] as { filename: string; files: Array<{ path: string }> };
  return { dir, tarball: path.join(dir, info.filename), files: info.files.map((f) => f.path) };
}

/** --version, then import the example key, sign a file and verify it with `bin`. */
async function signVerify(t: any, command: string[], dir: string): Promise<void> {
  const [cmd, ...pre] = command;
  const home = path.join(dir, 'home');
  const file = path.join(dir, 'demo-1.0.tar.gz');
  await fs.writeFile(file, 'a release');
  const env = { DISTSEAL_PASSPHRASE: 'example-passphrase-do-not-use', CI: '1' };
  const version = await run(cmd!, [...pre, '--version'], dir);
  t.is(version.code, 0, version.stderr);
  t.is(version.stdout.trim(), JSON.parse(await fs.readFile(path.join(ROOT, 'package.json'), 'utf8')).version);
  const imp = await run(
    cmd!,
    [...pre, '--home', home, 'keys', 'import', path.join(KEYS_EXAMPLE, 'example-secret.asc')],
    dir,
    env,
  );
  t.is(imp.code, 0, imp.stderr);
  const signed = await run(cmd!, [...pre, '--home', home, 'sign', file], dir, env);
  t.is(signed.code, 0, signed.stderr);
  const keyring = path.join(KEYS_EXAMPLE, 'example-public.asc');
  const verified = await run(cmd!, [...pre, '--home', home, 'verify', '--keyring', keyring, file], dir, env);
  t.is(verified.code, 0, verified.stdout + verified.stderr);
  t.regex(verified.stdout, /VERIFIED/);
}

test('npm pack builds on pack (prepack); the tarball holds the built CLI, no tests, and it runs', async (t) => {
  t.timeout(600_000);
  const { dir, tarball, files } = await pack(t);
  t.true(files.includes('dist/src/cli/main.js'), files.join(', '));
  t.true(files.includes('bin/distseal.js'));
  t.true(files.includes('docs/json.md'));
  t.false(
    files.some((f) => f.startsWith('dist/test/')),
    'no tests in the package',
  );
  const unpacked = path.join(dir, 'unpacked');
  await fs.mkdir(unpacked);
  const tar = await run('tar', ['-xzf', tarball, '-C', unpacked], dir);
  t.is(tar.code, 0, tar.stderr);
  await fs.symlink(path.join(ROOT, 'node_modules'), path.join(unpacked, 'package', 'node_modules'));
  await signVerify(t, [process.execPath, path.join(unpacked, 'package', 'bin', 'distseal.js')], dir);
});

// Not a peerTest: CI without registry access must not fail for it; it is a visible skip instead.
(process.env.DISTSEAL_TEST_NPM_REGISTRY === '1' ? test : test.skip)(
  'npm install -g --prefix of the tarball, and npx from it, give a working distseal',
  async (t) => {
    t.timeout(600_000);
    const { dir, tarball } = await pack(t);
    const prefix = path.join(dir, 'prefix');
    const args = [
      'install',
      '-g',
      '--prefix',
      prefix,
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      tarball,
    ];
    const installed = await run('npm', args, dir);
    t.is(installed.code, 0, installed.stderr);
    // npm 11 reads no allowScripts from a package for a global install: its one warning may name
    // keytar's install script (not needed, README says why); nothing else may warn.
    const warnings = installed.stderr.split('\n').filter((l) => /warn/i.test(l));
    t.deepEqual(
      warnings.filter((l) => !/install-scripts/.test(l)),
      [],
    );
    t.true(warnings.every((l) => !/\S+@\d/.test(l) || l.includes('@github/keytar')));
    await signVerify(t, [path.join(prefix, 'bin', 'distseal')], dir);
    const npx = await run(
      'npx',
      ['--prefer-offline', '--yes', `--package=${tarball}`, 'distseal', '--version'],
      dir,
    );
    t.is(npx.code, 0, npx.stderr);
  },
);
