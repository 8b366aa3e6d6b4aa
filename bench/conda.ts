/**
 * Hand-run benchmark (never in the test gate) for the conda side. Prints a Markdown table.
 *
 *   npm run build && node dist/bench/conda.js [--gib 1] [--existing 10000] [--add 1000]   (--gib 0: skip the upload)
 *
 * 1. `distseal upload conda` of a 1 GiB .conda to the local fake anaconda.org (the whole
 *    request sequence, the S3 form with Content-MD5 checked by the server): wall time and the
 *    client's peak RSS (goal: < 150 MB; anaconda-client reads the file three times, rattler reads
 *    it whole into memory).
 * 2. `distseal channel add` of 1,000 tiny packages into a channel that already holds 10,000
 *    (incremental: existing records are kept, only the new files are read), against
 *    `channel add --rebuild` which re-reads every package, and `channel verify`; all three again
 *    at half the size, to show the time is linear in the number of packages.
 * Needs /usr/bin/time, zstd and /usr/bin/python3 (to generate the tiny packages quickly).
 */
import { spawn, spawnSync } from 'node:child_process';
import { promises as fs, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeAnaconda } from '../test/helpers/fake-anaconda.js';
import { makeTinyPackages, writeBigConda } from './conda-inputs.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'distseal.js');
const KEYS = path.join(ROOT, 'keys-example');

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

interface Measure {
  wall: number;
  cpu: number;
  rssMB: number;
  status: number | null;
  stderr: string;
}

/** Run under /usr/bin/time without blocking this process (the fake server lives here). */
function timed(args: string[], env: NodeJS.ProcessEnv): Promise<Measure> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', 'BENCH %e %M %U %S', process.execPath, BIN, ...args], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => {
      const m = /BENCH ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(stderr);
      if (!m) return reject(new Error(`no timing: ${stderr}`));
      const cpu = Number(m[3]) + Number(m[4]);
      resolve({ wall: Number(m[1]), cpu, rssMB: Number(m[2]) / 1024, status, stderr: stderr.slice(0, 2000) });
    });
  });
}

type ChannelRun = Record<'add' | 'rebuild' | 'verify', Measure>;

/** channel add of `adding` new packages into a channel of `existing`, then --rebuild and verify. */
async function channelRun(
  work: string,
  home: string,
  existing: number,
  adding: number,
  env: NodeJS.ProcessEnv,
  rows: string[],
): Promise<ChannelRun> {
  const channel = path.join(work, 'channel');
  process.stderr.write(`generating ${existing} + ${adding} tiny packages...\n`);
  makeTinyPackages(path.join(channel, 'noarch'), 'old', existing, true);
  const newDir = path.join(work, 'new');
  makeTinyPackages(newDir, 'new', adding, false);
  const newFiles = (await fs.readdir(newDir)).map((f) => path.join(newDir, f));
  const cmd = (...a: string[]) => timed(['--home', home, '--quiet', 'channel', ...a], env);
  const add = await cmd('add', channel, ...newFiles);
  const repodata = await fs.readFile(path.join(channel, 'noarch', 'repodata.json'), 'utf8');
  const count = Object.keys(JSON.parse(repodata).packages).length;
  const rebuild = await cmd('add', channel, '--rebuild');
  const verify = await cmd('verify', channel, '--keyring', path.join(KEYS, 'example-public.asc'));
  const row = (task: string, size: string, m: Measure, result: string) =>
    rows.push(
      `| ${task} | ${size} | ${m.wall.toFixed(1)} | ${m.cpu.toFixed(1)} | ${m.rssMB.toFixed(0)} | ${result} |`,
    );
  const total = existing + adding;
  const addOk = add.status === 0 && count === total;
  row(
    'channel add (incremental)',
    `${adding} into ${existing}`,
    add,
    addOk ? `ok, ${count} records` : `FAILED ${add.stderr}`,
  );
  row('channel add --rebuild', `${total}`, rebuild, rebuild.status === 0 ? 'ok' : `FAILED ${rebuild.stderr}`);
  row(
    'channel verify',
    `${total}`,
    verify,
    `exit ${verify.status} (3 expected: generated packages have no .asc)`,
  );
  await fs.rm(work, { recursive: true, force: true });
  return { add, rebuild, verify };
}

async function main(): Promise<void> {
  const gib = arg('gib', 1);
  const existing = arg('existing', 10_000);
  const adding = arg('add', 1_000);
  const work = mkdtempSync(path.join(os.tmpdir(), 'distseal-bench-conda-'));
  const rows: string[] = [
    '| task | size | wall (s) | CPU (s) | peak RSS (MB) | result |',
    '|---|---|---:|---:|---:|---|',
  ];
  const baseEnv = {
    PATH: process.env.PATH,
    HOME: work,
    DISTSEAL_PASSPHRASE: 'example-passphrase-do-not-use',
  };
  try {
    // 1. Upload a big .conda (--gib 0 skips it).
    if (gib > 0) {
      const stem = 'bigpkg-1.0-h0_0';
      const big = path.join(work, `${stem}.conda`);
      process.stderr.write(`writing a ${gib} GiB .conda...\n`);
      await writeBigConda(big, stem, gib * 1024);
      const server = await new FakeAnaconda({ tokens: { 'bench-token': 'bench' } }).start();
      try {
        const m = await timed(
          ['--home', path.join(work, 'home'), '--quiet', 'upload', 'conda', big, '--server-url', server.url],
          { ...baseEnv, ANACONDA_API_TOKEN: 'bench-token' },
        );
        const ok = m.status === 0 && server.dists.size === 1;
        rows.push(
          `| upload conda to fake anaconda.org | ${gib} GiB | ${m.wall.toFixed(1)} | ${m.cpu.toFixed(1)} | ${m.rssMB.toFixed(0)} | ${ok ? 'ok' : `FAILED ${m.stderr}`} (goal < 150 MB) |`,
        );
      } finally {
        await server.stop();
        await fs.rm(big, { force: true });
      }
    }
    // 2. channel add of `adding` into `existing`, and at half that size: linear means twice the time.
    const home = path.join(work, 'home');
    spawnSync(
      process.execPath,
      [BIN, '--home', home, 'keys', 'import', path.join(KEYS, 'example-secret.asc')],
      { env: baseEnv },
    );
    const runs: ChannelRun[] = [];
    for (const scale of [0.5, 1]) {
      const n = { existing: Math.round(existing * scale), adding: Math.round(adding * scale) };
      runs.push(await channelRun(path.join(work, `c${scale}`), home, n.existing, n.adding, baseEnv, rows));
    }
    const [small, large] = runs as [ChannelRun, ChannelRun];
    for (const task of ['add', 'rebuild', 'verify'] as const)
      rows.push(
        `| ${task}: the larger run / the smaller (twice the packages; linear = 2.0x) | | ${(large[task].wall / small[task].wall).toFixed(2)}x wall, ${(large[task].cpu / small[task].cpu).toFixed(2)}x CPU | | |`,
      );
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  process.stdout.write(
    `\n${os.cpus().length} CPUs, load average at the end: ${load}\n\n${rows.join('\n')}\n`,
  );
}

await main();
