import { copyFile, cp, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FIXTURES, KEYS_EXAMPLE, runCli, tempDir } from '../helpers/cli.js';

export const FPR = '2D28D36625F7B560715E1EC3939327BD1F11724B';
export const PASS = 'example-passphrase-do-not-use';
export const WHEEL = 'distseal_sample-1.0.0-py3-none-any.whl';
export const SDIST = 'distseal-sample-1.0.0.tar.gz';
export const CONDA = 'distseal-demo-1.0.0-py_0.conda';

let template: Promise<string> | undefined;

/** A home with the example key imported and made the default, made once per test file and copied. */
function templateHome(): Promise<string> {
  template ??= (async () => {
    const home = path.join(await mkdtempHome(), 'home');
    const imp = await runCli([
      '--home',
      home,
      'keys',
      'import',
      path.join(KEYS_EXAMPLE, 'example-secret.asc'),
    ]);
    if (imp.code !== 0) throw new Error(`keys import failed: ${imp.stderr}`);
    const def = await runCli(['--home', home, 'keys', 'default', FPR]);
    if (def.code !== 0) throw new Error(`keys default failed: ${def.stderr}`);
    return home;
  })();
  return template;
}

async function mkdtempHome(): Promise<string> {
  const { mkdtemp } = await import('node:fs/promises');
  return mkdtemp(path.join(os.tmpdir(), 'distseal-release-home-'));
}

/** A project directory with dist/ holding a wheel, an sdist and a conda package (all 1.0.0), and a home with the example key. */
export async function releaseProject(options: { conda?: boolean } = {}) {
  const { dir, cleanup } = await tempDir('distseal-release-');
  const home = path.join(dir, 'home');
  await cp(await templateHome(), home, { recursive: true });
  const dist = path.join(dir, 'dist');
  await mkdir(dist);
  await copyFile(path.join(FIXTURES, 'python', WHEEL), path.join(dist, WHEEL));
  await copyFile(path.join(FIXTURES, 'python', SDIST), path.join(dist, SDIST));
  if (options.conda !== false) await copyFile(path.join(FIXTURES, 'conda', CONDA), path.join(dist, CONDA));
  const env = {
    DISTSEAL_PASSPHRASE: PASS,
    TWINE_USERNAME: '__token__',
    TWINE_PASSWORD: 'pypi-test-token',
    GITHUB_TOKEN: 'gh-test-token',
  };
  const release = (args: string[], extra: Record<string, string | undefined> = {}) =>
    runCli(['--home', home, 'release', ...args], { cwd: dir, env: { ...env, ...extra }, timeoutMs: 240_000 });
  return { dir, home, dist, env, release, cleanup };
}
