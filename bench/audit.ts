/**
 * By hand, never in the gate: what `distseal audit` costs over the tools it wraps, in one run.
 *   npm run build && node dist/bench/audit.js [--sdist FILE] [--package pip] [--runs 3] [--pins 500]
 * 1. Code: `distseal audit --no-deps SDIST` against Bandit run by hand on the already extracted
 *    tree (same flags). Goal (issue 11): at most 1.2x. Without --sdist, a real sdist is built with
 *    `python3 -m build --sdist` from the sources Debian installed for --package (default pip).
 * 2. Dependencies: `distseal audit --no-code -r` of --pins pins against `distseal --version`
 *    (the start-up alone). Goal: the check adds at most 0.3 s.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { valid } from '@renovatebot/pep440';
import { banditArgs } from '../src/core/audit/bandit.js';
import { readCompactFile } from '../src/core/audit/database.js';
import { BIN, ROOT } from '../test/helpers/cli.js';

const run = promisify(execFile);
const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
};
const RUNS = Number(arg('runs', '3'));
const PINS = Number(arg('pins', '500'));
const SITE = '/usr/lib/python3/dist-packages';

interface Timing {
  wall: number;
  /** User + system CPU seconds, children included (the load on a shared machine hits wall time, not this). */
  cpu: number;
}

/** Time one command under /usr/bin/time (exit 1 and 4 count too: Bandit and audit exit so on findings). */
async function timed(cmd: string, args: string[], cwd?: string): Promise<Timing> {
  const { stderr } = await run('/usr/bin/time', ['-f', 'BENCH %e %U %S', cmd, ...args], {
    cwd,
    maxBuffer: 1 << 30,
  }).catch((e: { stderr: string }) => ({ stderr: e.stderr }));
  const m = /BENCH ([\d.]+) ([\d.]+) ([\d.]+)/.exec(stderr);
  if (!m || /exited with non-zero status ([^14]|\d\d)/.test(stderr))
    throw new Error(`${cmd} failed: ${stderr}`);
  return { wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]) };
}

/** Interleave the commands RUNS times (so load hits all alike) and keep each one's best. */
async function best(cmds: Array<[string, string, string[], string?]>): Promise<Map<string, Timing>> {
  const out = new Map<string, Timing>();
  for (let i = 0; i < RUNS; i += 1) {
    for (const [label, cmd, args, cwd] of i % 2 ? [...cmds].reverse() : cmds) {
      const t = await timed(cmd, args, cwd);
      const old = out.get(label);
      out.set(label, {
        wall: Math.min(old?.wall ?? Infinity, t.wall),
        cpu: Math.min(old?.cpu ?? Infinity, t.cpu),
      });
    }
  }
  return out;
}

async function buildSdist(dir: string, pkg: string): Promise<string> {
  const versions = (await readdir(SITE)).filter((n) => n.toLowerCase().startsWith(`${pkg.toLowerCase()}-`));
  const version = /-([\d.]+)\.(dist|egg)-info$/.exec(versions[0] ?? '')?.[1] ?? '0';
  const project = path.join(dir, 'project');
  await mkdir(path.join(project, 'src'), { recursive: true });
  await cp(path.join(SITE, pkg), path.join(project, 'src', pkg), {
    recursive: true,
    filter: (p) => !p.includes('__pycache__'),
  });
  await writeFile(
    path.join(project, 'pyproject.toml'),
    `[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "${pkg}"\nversion = "${version}"\n`,
  );
  await run(
    '/usr/bin/python3',
    ['-m', 'build', '--no-isolation', '--sdist', '--outdir', path.join(dir, 'out')],
    { cwd: project },
  );
  const [sdist] = await readdir(path.join(dir, 'out'));
  return path.join(dir, 'out', sdist!);
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'distseal-bench-audit-'));
  try {
    const sdist = process.argv.includes('--sdist')
      ? path.resolve(arg('sdist', ''))
      : await buildSdist(dir, arg('package', 'pip'));
    const tree = path.join(dir, 'tree');
    await mkdir(tree);
    await run('tar', ['xzf', sdist, '-C', tree]);
    const { stdout: version } = await run('bandit', ['--version']);
    const code = await best([
      ['bandit by hand (extracted tree)', 'bandit', banditArgs(tree, {})],
      ['distseal audit --no-deps', process.execPath, [BIN, 'audit', '--no-deps', '--json', sdist]],
    ]);
    const db = await readCompactFile(path.join(ROOT, 'data', 'advisories.json.gz'));
    const pins = [...db.packages.entries()]
      .map(([name, list]) => [name, list.flatMap((a) => a.versions).find((v) => valid(v))] as const)
      .filter(([, v]) => v !== undefined)
      .slice(0, PINS)
      .map(([name, v]) => `${name}==${v}`);
    await writeFile(path.join(dir, 'requirements.txt'), `${pins.join('\n')}\n`);
    const deps = await best([
      ['distseal --version (start-up)', process.execPath, [BIN, '--version']],
      [
        `distseal audit --no-code -r (${pins.length} pins)`,
        process.execPath,
        [BIN, 'audit', '--no-code', '--json', '-r', 'requirements.txt'],
        dir,
      ],
    ]);
    const load = os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
    console.log(
      `\n${path.basename(sdist)}; ${version.split('\n')[0]}; best of ${RUNS}; load ${load}, ${os.cpus().length} CPUs\n`,
    );
    console.log('| what | wall s | CPU s |\n|---|---:|---:|');
    for (const [label, t] of [...code, ...deps])
      console.log(`| ${label} | ${t.wall.toFixed(2)} | ${t.cpu.toFixed(2)} |`);
    const [byHand, ours] = [...code.values()];
    const [startup, audited] = [...deps.values()];
    const ratio = (k: keyof Timing) => (ours![k] / byHand![k]).toFixed(2);
    const extra = (k: keyof Timing) => (audited![k] - startup![k]).toFixed(2);
    console.log(
      `\ncode: ${ratio('cpu')}x Bandit by hand in CPU, ${ratio('wall')}x in wall time (goal <= 1.2x)`,
    );
    console.log(
      `dependencies, ${pins.length} pins: +${extra('cpu')} s CPU, +${extra('wall')} s wall over start-up (goal <= 0.3 s)`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
