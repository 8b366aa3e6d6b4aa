/**
 * Hand-run benchmark (never in the test gate): how fast distseal starts, as ratios to `node -e 0`
 * on the same Node in the same run, with gpgv on the same 1 KB file for scale.
 *
 *   npm run build && node dist/bench/startup.js [--runs 30] [--node PATH]...
 *
 * Each `--node` adds a set of rows run with that node binary (default: the one running the
 * bench). Commands run in interleaved rounds after two warm-up runs each (which also fill Node's
 * compile cache), so machine load hits every row alike; the table shows the median and the
 * fastest wall time of each, and the ratio of medians. Everything lives in a temp directory.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'distseal.js');
const KEYS = path.join(ROOT, 'keys-example');
const TSC_MAIN = pathToFileURL(path.join(ROOT, 'dist', 'src', 'cli', 'main.js')).href;

interface Row {
  group: string;
  label: string;
  cmd: string[];
  /** Index of the row this one is compared with, and the goal for that ratio. */
  base?: number;
  goal?: number;
  times: number[];
  /** CPU milliseconds (user + system) of node rows, from a preload that reports at exit. */
  cpu: number[];
  /** More environment for this row. */
  env?: NodeJS.ProcessEnv;
}

/** Preloaded with -r in the CPU pass: appends the process's own CPU time to $BENCH_CPU_FILE. */
const CPU_PRELOAD = `process.on('exit', () => {
  const u = process.cpuUsage();
  require('node:fs').appendFileSync(process.env.BENCH_CPU_FILE, (u.user + u.system) / 1000 + '\\n');
});
`;

function args(name: string): string[] {
  const out: string[] = [];
  process.argv.forEach((a, i) => {
    if (a === `--${name}` && process.argv[i + 1]) out.push(process.argv[i + 1]!);
  });
  return out;
}

function run(cmd: string[], env: NodeJS.ProcessEnv, cwd: string): { ms: number; status: number | null } {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd[0]!, cmd.slice(1), { env, cwd, stdio: 'ignore' });
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, status: r.status };
}

function must(cmd: string[], env: NodeJS.ProcessEnv, cwd: string): string {
  const r = spawnSync(cmd[0]!, cmd.slice(1), { env, cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

const median = (xs: number[]) => (xs.length === 0 ? NaN : [...xs].sort((a, b) => a - b)[xs.length >> 1]!);

async function main(): Promise<void> {
  const runs = Number(args('runs')[0] ?? 30);
  const nodes = args('node');
  if (nodes.length === 0) nodes.push(process.execPath);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dsb-start-'));
  const gnupg = path.join(dir, 'g');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LC_ALL: 'C',
    GNUPGHOME: gnupg,
    DISTSEAL_NO_INTERACTIVE: '1',
    DISTSEAL_HOME: path.join(dir, 'consumer'),
  };
  delete env.DISTSEAL_PASSPHRASE;
  const rows: Row[] = [];
  try {
    const readme = await fs.readFile(path.join(KEYS, 'README.md'), 'utf8');
    const passphrase = /^Passphrase: `(.*)`$/m.exec(readme)![1]!;
    await fs.writeFile(path.join(dir, 'passphrase'), `${passphrase}\n`, { mode: 0o600 });
    await fs.writeFile(path.join(dir, 'small.bin'), randomBytes(1024));
    const ds = [process.execPath, BIN];
    const maint = ['--home', path.join(dir, 'maintainer')];
    must([...ds, ...maint, 'keys', 'import', path.join(KEYS, 'example-secret.asc')], env, dir);
    must([...ds, ...maint, 'sign', 'small.bin', '--passphrase-file', 'passphrase'], env, dir);
    must([...ds, 'trust', 'add', path.join(KEYS, 'example-public.asc')], env, dir);

    for (const node of nodes) {
      const version = must([node, '--version'], env, dir).trim();
      const group = `Node ${version}`;
      const base = rows.length;
      const add = (label: string, cmd: string[], goal?: number, more?: NodeJS.ProcessEnv) =>
        rows.push({
          group,
          label,
          cmd,
          base: goal === undefined ? undefined : base,
          goal,
          times: [],
          cpu: [],
          env: more,
        });
      add('node -e 0', [node, '-e', '0']);
      add('distseal --version', [node, BIN, '--version'], 1.5);
      add('distseal --help', [node, BIN, '--help'], 1.5);
      add('distseal verify (1 KB file)', [node, BIN, 'verify', 'small.bin'], 2.0);
      // The same run without the fast path (issue 14): yargs, openpgp.js and the keyring parsed.
      add('distseal verify, full path (DISTSEAL_NO_FAST=1)', [node, BIN, 'verify', 'small.bin'], undefined, {
        DISTSEAL_NO_FAST: '1',
      });
      add('distseal verify via the tsc build, no bundle, no compile cache', [
        node,
        '--input-type=module',
        '-e',
        `import { main } from '${TSC_MAIN}'; process.exitCode = await main(process.argv.slice(1));`,
        '--',
        'verify',
        'small.bin',
      ]);
    }
    if (spawnSync('sh', ['-c', 'command -v gpgv && command -v gpg'], { stdio: 'ignore' }).status === 0) {
      await fs.mkdir(gnupg, { mode: 0o700 });
      const dearmored = spawnSync('gpg', ['--dearmor'], {
        env,
        input: await fs.readFile(path.join(KEYS, 'example-public.asc')),
      });
      await fs.writeFile(path.join(dir, 'pub.gpg'), dearmored.stdout);
      rows.push({
        group: 'reference',
        label: 'gpgv (1 KB file)',
        cmd: ['gpgv', '--keyring', path.join(dir, 'pub.gpg'), 'small.bin.asc', 'small.bin'],
        times: [],
        cpu: [],
      });
    }

    for (const row of rows) {
      for (let i = 0; i < 2; i += 1) {
        const { status } = run(row.cmd, { ...env, ...row.env }, dir);
        if (status !== 0) throw new Error(`${row.label}: exit ${status}`);
      }
    }
    for (let i = 0; i < runs; i += 1)
      for (const row of rows) row.times.push(run(row.cmd, { ...env, ...row.env }, dir).ms);
    // CPU time: steadier than wall time on a shared machine (other processes delay a run's wall
    // time, not its CPU time). A separate pass, so the preload never counts in the wall times.
    const preload = path.join(dir, 'cpu-preload.cjs');
    await fs.writeFile(preload, CPU_PRELOAD);
    const nodeRows = rows.filter((row) => row.group !== 'reference');
    for (let i = 0; i < runs; i += 1)
      nodeRows.forEach((row, n) => {
        const file = path.join(dir, `cpu-${n}.txt`);
        run(
          [row.cmd[0]!, '-r', preload, ...row.cmd.slice(1)],
          { ...env, ...row.env, BENCH_CPU_FILE: file },
          dir,
        );
      });
    for (const [n, row] of nodeRows.entries()) {
      const text = await fs.readFile(path.join(dir, `cpu-${n}.txt`), 'utf8');
      row.cpu = text.trim().split('\n').map(Number);
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }

  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  console.log(
    `\n${os.cpus().length} x ${os.cpus()[0]?.model ?? 'unknown CPU'}; ${runs} rounds; load ${load}\n`,
  );
  console.log(
    '| Node | command | wall median (ms) | wall fastest (ms) | wall ratio | CPU median (ms) | CPU ratio | goal |',
  );
  console.log('|---|---|---:|---:|---:|---:|---:|---|');
  const ratio = (row: Row, of: (r: Row) => number[]) =>
    row.base === undefined ? '' : `${(median(of(row)) / median(of(rows[row.base]!))).toFixed(2)}x`;
  for (const row of rows) {
    const cells = [
      row.group,
      row.label,
      median(row.times).toFixed(1),
      Math.min(...row.times).toFixed(1),
      ratio(row, (r) => r.times),
      row.cpu.length > 0 ? median(row.cpu).toFixed(1) : '',
      ratio(row, (r) => r.cpu),
      row.goal === undefined ? '' : `<= ${row.goal.toFixed(1)}x`,
    ];
    console.log(`| ${cells.join(' | ')} |`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
