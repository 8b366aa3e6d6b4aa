import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import test from 'ava';
import { KEYS_EXAMPLE, ROOT, runCli, tempDir } from '../helpers/cli.js';

const BUNDLE = path.join(ROOT, 'dist', 'cli', 'distseal.mjs');
const TSC_MAIN = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `main(args)` from one build in a fresh node, in `cwd`, with a clean environment. */
function runBuild(entry: string, args: string[], env: Record<string, string>, cwd: string): Promise<Outcome> {
  const script = `import { main } from ${JSON.stringify(pathToFileURL(entry).href)};
main(process.argv.slice(1)).then((code) => { process.exitCode = code; });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, '--', ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', DISTSEAL_NO_INTERACTIVE: '1', ...env },
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

test('npm run build writes the bundled CLI beside the tsc build', (t) => {
  t.true(existsSync(BUNDLE), `${BUNDLE} is missing: run npm run build`);
  t.true(existsSync(path.join(ROOT, 'dist', 'cli', 'locales', 'en.json')));
});

// Help screens, parse errors (with yargs' messages and their German catalogue) and a real
// command: the bundle must answer exactly as the tsc build does.
const CASES: Array<{ args: string[]; env?: Record<string, string> }> = [
  { args: ['--help'] },
  { args: ['keys', '--help'] },
  { args: ['upload', 'pypi', '--help'] },
  { args: ['veriffy'] },
  { args: ['keys'] },
  { args: ['verify'] },
  { args: ['sign', '--nope', 'x'] },
  { args: ['upload', 'conda', '--skip-existing', '--force', 'x.conda'] },
  { args: ['verify', '--version'] },
  { args: ['sign', '--nope', 'x'], env: { LANG: 'de_DE.UTF-8' } },
  { args: ['--json', 'verify', 'no-such-file.whl'] },
  { args: ['check', path.join(KEYS_EXAMPLE, 'dist', 'distseal_example-0.1.0-py3-none-any.whl')] },
  // The advisory data is found from the module's own URL (data/ beside dist/).
  { args: ['audit', path.join(KEYS_EXAMPLE, 'dist', 'distseal_example-0.1.0-py3-none-any.whl')] },
];

for (const { args, env = {} } of CASES) {
  test(`bundle and tsc build agree: ${Object.keys(env).join(' ')} distseal ${args.join(' ')}`, async (t) => {
    if (!existsSync(BUNDLE)) return t.fail('no bundle: run npm run build');
    const { dir, cleanup } = await tempDir();
    t.teardown(cleanup);
    const full = { DISTSEAL_HOME: dir, COLUMNS: '100', ...env };
    const [bundled, plain] = await Promise.all([
      runBuild(BUNDLE, args, full, dir),
      runBuild(TSC_MAIN, args, full, dir),
    ]);
    t.deepEqual(bundled, plain);
  });
}

// bin/distseal.js prints the top-level help laid out at build time (dist/cli/help.json) when
// yargs would print that very text, and hands over to yargs when the locale has a catalogue.
for (const [flag, locale] of [
  ['--help', 'en_US.UTF-8'],
  ['-h', 'C'],
  ['--help', 'xx_YY'],
  ['--help', 'de_DE.UTF-8'],
  ['--help', 'pt_BR'],
]) {
  test(`bin's ${flag} under LC_ALL=${locale} is what yargs prints`, async (t) => {
    const { dir, cleanup } = await tempDir();
    t.teardown(cleanup);
    const env = { DISTSEAL_HOME: dir, LC_ALL: locale };
    const [fromBin, fromYargs] = await Promise.all([
      runCli([flag], { env, cwd: dir }),
      runBuild(TSC_MAIN, [flag], env, dir),
    ]);
    t.is(fromBin.code, 0);
    t.regex(fromBin.stdout, /distseal verify/);
    t.deepEqual({ code: fromBin.code, stdout: fromBin.stdout, stderr: fromBin.stderr }, fromYargs);
  });
}

// verify DIR hands 64 files or more to worker threads, whose module is found from import.meta.url:
// in the bundle that URL is the bundle's own, so scripts/bundle.mjs rebases it to the module's.
test('bundle and tsc build agree: verify DIR on worker threads (70 signed files)', async (t) => {
  t.timeout(240_000);
  if (os.availableParallelism() < 2) t.log('one CPU: verify DIR stays on one thread here');
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const env = { DISTSEAL_HOME: path.join(dir, 'consumer') };
  const readme = await readFile(path.join(KEYS_EXAMPLE, 'README.md'), 'utf8');
  await writeFile(path.join(dir, 'pass'), `${/^Passphrase: `(.*)`$/m.exec(readme)![1]}\n`, { mode: 0o600 });
  await mkdir(path.join(dir, 'files'));
  const files = Array.from({ length: 70 }, (_, i) => path.join('files', `pkg_${i}-1.0.tar.gz`));
  for (const [i, f] of files.entries()) await writeFile(path.join(dir, f), `payload ${i}`);
  const maint = ['--home', path.join(dir, 'maintainer')];
  for (const args of [
    [...maint, 'keys', 'import', path.join(KEYS_EXAMPLE, 'example-secret.asc')],
    [...maint, 'sign', ...files, '--passphrase-file', 'pass'],
    ['trust', 'add', path.join(KEYS_EXAMPLE, 'example-public.asc')],
  ]) {
    const r = await runBuild(TSC_MAIN, args, env, dir);
    t.is(r.code, 0, r.stderr);
  }
  const [bundled, plain] = await Promise.all([
    runBuild(BUNDLE, ['verify', 'files'], env, dir),
    runBuild(TSC_MAIN, ['verify', 'files'], env, dir),
  ]);
  t.is(plain.code, 0, plain.stderr);
  t.regex(plain.stdout, /70 verified, 0 failed, 0 unsigned/);
  t.deepEqual(bundled, plain);
});
