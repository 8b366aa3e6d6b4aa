/** Shared pieces of the hand-run benchmarks: arguments, timing under /usr/bin/time, inputs, tables. */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import os from 'node:os';

export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

export interface Measure {
  wall: number;
  /** user + system CPU seconds: steadier than wall time on a shared machine. */
  cpu: number;
  rssMB: number;
  status: number | null;
  stdout: string;
}

/** Run a command under /usr/bin/time: wall seconds, CPU seconds, max RSS, exit status, stdout. */
export function timed(cmd: string[], env: NodeJS.ProcessEnv, cwd?: string): Measure {
  const r = spawnSync('/usr/bin/time', ['-f', 'BENCH %e %M %U %S', ...cmd], {
    env,
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  const m = /BENCH ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
  if (!m) throw new Error(`${cmd.join(' ')}: no timing (${r.stderr?.slice(-2000)})`);
  return {
    wall: Number(m[1]),
    cpu: Number(m[3]) + Number(m[4]),
    rssMB: Number(m[2]) / 1024,
    status: r.status,
    stdout: r.stdout ?? '',
  };
}

/** The fastest wall (and its CPU) of `runs` runs: the one least disturbed by other load. */
export function best(runs: number, run: () => Measure): Measure {
  let out: Measure | undefined;
  for (let i = 0; i < runs; i += 1) {
    const m = run();
    if (!out || m.wall < out.wall) out = { ...m, rssMB: Math.max(m.rssMB, out?.rssMB ?? 0) };
  }
  return out!;
}

export async function writeRandom(file: string, mib: number): Promise<void> {
  const out = createWriteStream(file);
  const block = randomBytes(1 << 20);
  for (let i = 0; i < mib; i += 1) {
    block[i % block.length] ^= 0xa5; // not all-identical blocks
    if (!out.write(block)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

export function opensslSpeed(): string {
  const r = spawnSync('openssl', ['speed', '-seconds', '1', '-bytes', '16384', 'sha256', 'sha512'], {
    encoding: 'utf8',
  });
  const lines = (r.stdout ?? '').split('\n').filter((l) => /^sha(256|512)\s/.test(l));
  return lines
    .map((l) => {
      const [name, ...rest] = l.trim().split(/\s+/);
      const kps = Number(String(rest.at(-1)).replace(/k$/, ''));
      return `${name} ${(kps / 1e6).toFixed(2)} GB/s`;
    })
    .join(', ');
}

export function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
}

/**
 * A node script that reads `file` through one 1 MiB buffer into a node:crypto sha256 and prints
 * the digest: the floor for any tool that reads the file and hashes it on one thread.
 */
export const BARE_HASH_LOOP = `
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const fd = fs.openSync(process.argv[1], 'r');
const buf = Buffer.allocUnsafe(1 << 20);
const h = createHash('sha256');
for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) h.update(buf.subarray(0, n));
console.log(h.digest('hex'));
`;

export type Row = [input: string, tool: string, m: Measure];

export function printTable(rows: Row[], ratios: string[]): void {
  console.log('| input | tool | wall (s) | CPU (s) | peak RSS (MB) | exit |');
  console.log('|---|---|---:|---:|---:|---:|');
  for (const [input, tool, m] of rows)
    console.log(
      `| ${input} | ${tool} | ${m.wall.toFixed(2)} | ${m.cpu.toFixed(2)} | ${m.rssMB.toFixed(0)} | ${m.status} |`,
    );
  if (ratios.length > 0) console.log(`\n${ratios.map((r) => `- ${r}`).join('\n')}`);
}
