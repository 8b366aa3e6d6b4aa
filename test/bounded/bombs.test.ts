/**
 * Issue 10 A: bzip2 and zstd bombs are refused while they decode, not after. Each bomb (1 GiB
 * of zeros, a few hundred KiB on disk) must be refused within 2 s and 150 MB of peak RSS,
 * measured in a child process, with a message naming the file and the limit; the CLI exits 2
 * for `check` and 3 for `verify --channel`, which must not read the contents first. The 2 s
 * are CPU seconds of the child (its wall time is logged, and bounded loosely): on a 2-core CI
 * machine running four test files at once, wall time measures the neighbours too. Before the
 * fix these took minutes and gigabytes.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/cli.js';
import { peerTest } from '../helpers/peers.js';
import { PUBLIC_KEY, cli } from '../channel/helpers.js';
import { writeBzip2Bomb, writeZstdBomb } from './bombs.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bomb-child.js');
const MAX_CPU_MS = 2000;
const MAX_WALL_MS = 10_000;
const MAX_RSS_MB = 150;
const withTools = peerTest(['bzip2', 'zstd']);

let dir = '';
let cleanup: () => Promise<void> = async () => undefined;
const files = { bz2: '', conda: '' };
const ready = (async () => {
  ({ dir, cleanup } = await tempDir());
  files.bz2 = path.join(dir, 'bomb-1.0-0.tar.bz2');
  files.conda = path.join(dir, 'bomb-1.0-0.conda');
})();

withTools.before(async () => {
  await ready;
  await writeBzip2Bomb(files.bz2);
  await writeZstdBomb(files.conda, 'bomb-1.0-0');
});
withTools.after.always(() => cleanup());

function measure(mode: 'check' | 'meta', file: string) {
  const r = spawnSync(process.execPath, [CHILD, mode, file], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0 || !r.stdout.trim())
    throw new Error(`child failed (${r.signal ?? r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
    ms: number;
    cpuMs: number;
    maxRssKiB: number;
    code?: string;
    message?: string;
  };
}

for (const [kind, label] of [
  ['bz2', '.tar.bz2 (bzip2)'],
  ['conda', '.conda (zstd info tarball)'],
] as const) {
  for (const mode of ['check', 'meta'] as const) {
    withTools(`a 1 GiB ${label} bomb is refused by ${mode} within 2 s and 150 MB`, async (t) => {
      const file = files[kind];
      t.true((await stat(file)).size < 1024 * 1024, 'the bomb is small on disk');
      const out = measure(mode, file);
      const mb = out.maxRssKiB / 1024;
      t.log(
        `${mode} ${label}: ${out.cpuMs.toFixed(0)} ms CPU, ${out.ms.toFixed(0)} ms wall, peak RSS ${mb.toFixed(0)} MB`,
      );
      t.is(out.code, 'E_ARCHIVE_BOMB', out.message);
      t.true(out.message!.includes(file), out.message);
      t.regex(out.message!, /limit/);
      t.true(out.cpuMs < MAX_CPU_MS, `took ${out.cpuMs.toFixed(0)} ms of CPU`);
      t.true(out.ms < MAX_WALL_MS, `took ${out.ms.toFixed(0)} ms`);
      t.true(mb < MAX_RSS_MB, `peak RSS ${mb.toFixed(0)} MB`);
    });
  }
}

withTools('distseal check exits 2 on a bomb, naming the file and the limit', async (t) => {
  const home = path.join(dir, 'home-check');
  const r = await cli(home, ['check', files.bz2, files.conda], { timeoutMs: 60_000 });
  t.is(r.code, 2, r.stdout + r.stderr);
  t.regex(r.stdout, /bomb-1\.0-0\.tar\.bz2: UNREADABLE/);
  t.regex(r.stdout, /bomb-1\.0-0\.conda: UNREADABLE/);
  t.regex(r.stdout, /decompression bomb.*limit/);
});

withTools('verify --channel exits 3 on a bomb without reading it whole', async (t) => {
  const channel = path.join(dir, 'channel');
  await mkdir(path.join(channel, 'noarch'), { recursive: true });
  await writeFile(
    path.join(channel, 'noarch', 'repodata.json'),
    JSON.stringify({ info: { subdir: 'noarch' }, packages: {}, 'packages.conda': {}, repodata_version: 1 }),
  );
  const started = Date.now();
  const home = path.join(dir, 'home-verify');
  for (const file of [files.bz2, files.conda]) {
    const r = await cli(home, ['verify', '--channel', channel, '--keyring', PUBLIC_KEY, file], {
      timeoutMs: 60_000,
    });
    t.is(r.code, 3, r.stdout + r.stderr);
    t.regex(r.stdout, /FAILED/);
  }
  t.true(Date.now() - started < 30_000, 'both runs end in seconds, not minutes');
});
