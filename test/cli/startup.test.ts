import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import module from 'node:module';
import path from 'node:path';
import test from 'ava';
import yargs from 'yargs';
import { skipHelpCache } from '../../src/cli/startup.js';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';

const VERSION = (JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;

function usageOf(y: ReturnType<typeof yargs>): { hasCachedHelpMessage: () => boolean } {
  return (y as any).getInternalMethods().getUsageInstance();
}

test('skipHelpCache: running a command no longer lays out the help text', async (t) => {
  const build = () =>
    yargs(['go', '--flag'])
      .option('flag', { type: 'boolean', describe: 'a flag' })
      .command('go', 'do it', {}, () => undefined)
      .exitProcess(false);
  const plain = build();
  await plain.parseAsync();
  t.true(usageOf(plain).hasCachedHelpMessage(), 'yargs lays out help for every command run');
  const skipped = skipHelpCache(build());
  await skipped.parseAsync();
  t.false(usageOf(skipped).hasCachedHelpMessage());
});

test('--version prints the package version, alone and after a command, from any directory', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const bare = await runCli(['--version'], { cwd: dir });
  t.is(bare.code, 0);
  t.is(bare.stdout, `${VERSION}\n`);
  t.is(bare.stderr, '');
  const late = await runCli(['verify', '--version'], { cwd: dir });
  t.is(late.code, 0);
  t.is(late.stdout, `${VERSION}\n`);
});

test("compiled code is cached in the user's cache dir, never in the shared temp dir", async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const tmp = path.join(dir, 'tmp');
  await mkdir(tmp);
  const r = await runCli(['verify', '--help'], {
    cwd: dir,
    env: { TMPDIR: tmp, XDG_CACHE_HOME: path.join(dir, 'cache'), NODE_COMPILE_CACHE: undefined },
  });
  t.is(r.code, 0);
  t.deepEqual(await readdir(tmp), []);
  if (typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function')
    t.true(existsSync(path.join(dir, 'cache', 'distseal', 'node-compile-cache')));
});
