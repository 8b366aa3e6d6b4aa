/**
 * By hand, never in the gate: `distseal release` of 20 small wheels to the local strict index
 * against the same work done with two commands, `distseal sign` then `distseal upload pypi`.
 *   npm run build && node dist/bench/release.js [--files 20] [--runs 3]
 * Target (issue 12): release at most 1.2x sign + upload, though it also checks every file and
 * reads back what the index serves (audit off: it is Bandit's time, measured in bench/audit.ts).
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { BIN, KEYS_EXAMPLE } from '../test/helpers/cli.js';
import { startIndexServer, TEST_TOKEN } from '../test/helpers/pypi-server.js';

const run = promisify(execFile);
const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const FILES = arg('files', 20);
/** Rounds; each runs both ways, in alternating order so machine load hits both alike. The best round counts. */
const RUNS = arg('runs', 3);
const PASSPHRASE = 'example-passphrase-do-not-use';

/** FILES small, valid wheels (projects benchpkg0..N, version 1.0.0, ~20 KB each), made by Python's zipfile. */
async function makeWheels(dir: string): Promise<void> {
  const script = `import hashlib, base64, os, sys, zipfile
out, n = sys.argv[1], int(sys.argv[2])
def rec(name, data):
    d = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={d},{len(data)}"
for i in range(n):
    name = f"benchpkg{i}"
    di = f"{name}-1.0.0.dist-info/"
    files = {
        f"{name}/__init__.py": ("VALUE = %r\\n" % os.urandom(8000).hex()).encode(),
        di + "METADATA": (f"Metadata-Version: 2.1\\nName: {name}\\nVersion: 1.0.0\\nSummary: bench\\n"
                          "Description-Content-Type: text/plain\\n\\nA wheel for the release bench.\\n").encode(),
        di + "WHEEL": b"Wheel-Version: 1.0\\nGenerator: bench\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
    }
    record = "\\n".join(rec(k, v) for k, v in files.items()) + f"\\n{di}RECORD,,\\n"
    with zipfile.ZipFile(os.path.join(out, f"{name}-1.0.0-py3-none-any.whl"), "w", zipfile.ZIP_DEFLATED) as z:
        for k, v in files.items():
            z.writestr(k, v)
        z.writestr(di + "RECORD", record)
`;
  await run('/usr/bin/python3', ['-c', script, dir, String(FILES)]);
}

interface Timing {
  wall: number;
  cpu: number;
  rssMb: number;
  ok: boolean;
}

async function timed(cmd: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Timing> {
  const { stderr } = await run('/usr/bin/time', ['-f', 'BENCH %e %M %U %S', ...cmd], {
    env,
    cwd,
    maxBuffer: 64 << 20,
  }).catch((e: { stderr: string }) => ({ stderr: e.stderr }));
  const m = /BENCH ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(stderr);
  const ok = Boolean(m) && !/Command exited with non-zero status/.test(stderr);
  if (!ok) process.stderr.write(stderr.slice(-2000));
  return {
    wall: m ? Number(m[1]) : NaN,
    cpu: m ? Number(m[3]) + Number(m[4]) : NaN,
    rssMb: m ? Number(m[2]) / 1024 : NaN,
    ok,
  };
}

const add = (a: Timing, b: Timing): Timing => ({
  wall: a.wall + b.wall,
  cpu: a.cpu + b.cpu,
  rssMb: Math.max(a.rssMb, b.rssMb),
  ok: a.ok && b.ok,
});

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'distseal-bench-release-'));
  try {
    const source = path.join(dir, 'wheels');
    await mkdir(source);
    process.stderr.write(`making ${FILES} wheels...\n`);
    await makeWheels(source);
    const home = path.join(dir, 'home');
    const env = {
      ...process.env,
      HOME: dir,
      DISTSEAL_PASSPHRASE: PASSPHRASE,
      TWINE_USERNAME: '__token__',
      TWINE_PASSWORD: TEST_TOKEN,
      CI: '1',
    };
    const cli = (...args: string[]) => [process.execPath, BIN, '--home', home, ...args];
    const [node, ...importArgs] = cli('keys', 'import', path.join(KEYS_EXAMPLE, 'example-secret.asc'));
    await run(node!, importArgs, { env });
    const rows: Array<{ way: 'separate' | 'release'; sign?: Timing; upload?: Timing; total: Timing }> = [];
    for (let round = 0; round < RUNS; round += 1) {
      const ways = round % 2 === 0 ? (['separate', 'release'] as const) : (['release', 'separate'] as const);
      for (const way of ways) {
        const work = path.join(dir, `r${round}-${way}`);
        const dist = path.join(work, 'dist');
        await cp(source, dist, { recursive: true });
        const wheels = (await readdir(dist)).map((f) => path.join(dist, f));
        const server = await startIndexServer({ dir: path.join(work, 'index') });
        try {
          if (way === 'separate') {
            const sign = await timed(cli('sign', ...wheels), env, work);
            const upload = await timed(
              cli(
                'upload',
                'pypi',
                '--repository-url',
                server.uploadUrl,
                '--non-interactive',
                '--disable-progress-bar',
                ...wheels,
              ),
              env,
              work,
            );
            const total = add(sign, upload);
            total.ok = total.ok && server.uploads.filter((u) => u.status === 200).length === FILES;
            rows.push({ way, sign, upload, total });
          } else {
            const total = await timed(
              cli('release', ...wheels, '--to', server.uploadUrl, '--no-audit', '--yes'),
              env,
              work,
            );
            total.ok = total.ok && server.uploads.filter((u) => u.status === 200).length === FILES;
            rows.push({ way, total });
          }
          const last = rows.at(-1)!.total;
          process.stderr.write(
            `  round ${round + 1} ${way}: ${last.wall.toFixed(2)} s wall, ${last.cpu.toFixed(2)} s CPU${last.ok ? '' : ' (FAILED)'}\n`,
          );
        } finally {
          await server.close();
        }
      }
    }
    const best = (way: string) =>
      rows.filter((r) => r.way === way).reduce((a, b) => (b.total.wall < a.total.wall ? b : a));
    const sep = best('separate');
    const rel = best('release');
    console.log(
      `\nrelease of ${FILES} wheels to the local index (127.0.0.1) vs sign + upload pypi; best wall of ${RUNS} interleaved round(s)\n`,
    );
    console.log(
      `load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}, ${os.cpus().length} CPUs\n`,
    );
    const line = (name: string, t: Timing) =>
      `| ${name} | ${t.wall.toFixed(2)} | ${t.cpu.toFixed(2)} | ${t.rssMb.toFixed(0)} | ${t.ok ? 'yes' : 'NO'} |`;
    console.log('| command | wall s | CPU s | peak RSS MB | ok |');
    console.log('|---|---:|---:|---:|---|');
    console.log(line('distseal sign', sep.sign!));
    console.log(line('distseal upload pypi', sep.upload!));
    console.log(line('sign + upload', sep.total));
    console.log(line('distseal release (check, sign, upload, read-back)', rel.total));
    const wallRatio = rel.total.wall / sep.total.wall;
    const cpuRatio = rel.total.cpu / sep.total.cpu;
    console.log(
      `\nrelease / (sign + upload): wall ${wallRatio.toFixed(2)}x, CPU ${cpuRatio.toFixed(2)}x; target <= 1.2x: ${wallRatio <= 1.2 ? 'met' : 'MISSED'}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
