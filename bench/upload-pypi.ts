/**
 * By hand, never in the gate: upload one large wheel (default 1 GiB) to the local index with
 * Debian's twine and with distseal, in the same run, and print wall time and peak RSS.
 *   npm run build && node dist/bench/upload-pypi.js [--mib 1024]
 * Targets (issue 4): distseal's wall time at most twine's, peak RSS at most 150 MB.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { BIN } from '../test/helpers/cli.js';
import { startIndexServer, TEST_TOKEN } from '../test/helpers/pypi-server.js';

const run = promisify(execFile);
const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const MIB = arg('mib', 1024);
/** Runs per tool, interleaved (twine, distseal, distseal, twine, ...) so machine load hits both alike; the best run counts. */
const RUNS = arg('runs', 2);

/** A valid wheel whose one big member is stored (incompressible random bytes, written in 16 MiB steps). */
async function makeBigWheel(dir: string): Promise<string> {
  const file = path.join(dir, 'bigpkg-1.0.0-py3-none-any.whl');
  const script = `import os, sys, zipfile
out, mib = sys.argv[1], int(sys.argv[2])
meta = "Metadata-Version: 2.1\\nName: bigpkg\\nVersion: 1.0.0\\nSummary: big\\nDescription-Content-Type: text/plain\\n\\nbig\\n"
with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED, allowZip64=True) as z:
    z.writestr("bigpkg-1.0.0.dist-info/METADATA", meta)
    z.writestr("bigpkg-1.0.0.dist-info/WHEEL", "Wheel-Version: 1.0\\n")
    with z.open("bigpkg/blob.bin", "w", force_zip64=True) as f:
        for _ in range(mib // 16):
            f.write(os.urandom(16 << 20))
`;
  await run('/usr/bin/python3', ['-c', script, file, String(MIB)]);
  return file;
}

interface Row {
  tool: string;
  wall: number;
  /** User + system CPU seconds of the uploader alone (the index runs in this process). */
  cpu: number;
  rssMb: number;
  ok: boolean;
}

async function timed(tool: string, cmd: string[], env: NodeJS.ProcessEnv): Promise<Row> {
  const { stderr } = await run('/usr/bin/time', ['-f', 'BENCH %e %M %U %S', ...cmd], {
    env,
    maxBuffer: 64 << 20,
  }).catch((e: { stderr: string }) => ({ stderr: e.stderr }));
  const m = /BENCH ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(stderr);
  return {
    tool,
    wall: m ? Number(m[1]) : NaN,
    cpu: m ? Number(m[3]) + Number(m[4]) : NaN,
    rssMb: m ? Number(m[2]) / 1024 : NaN,
    ok: !/Command exited with non-zero status/.test(stderr),
  };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'distseal-bench-'));
  try {
    process.stderr.write(`making a ${MIB} MiB wheel...\n`);
    const wheel = await makeBigWheel(dir);
    const size = (await stat(wheel)).size;
    const rows: Row[] = [];
    const order = Array.from({ length: RUNS }, (_, i) =>
      i % 2 === 0 ? ['twine', 'distseal'] : ['distseal', 'twine'],
    ).flat();
    for (const [n, tool] of order.entries()) {
      const server = await startIndexServer({ dir: path.join(dir, `index-${n}`) });
      try {
        const env = {
          ...process.env,
          HOME: dir,
          PYTHON_KEYRING_BACKEND: 'keyring.backends.null.Keyring',
          TWINE_PASSWORD: TEST_TOKEN,
          TWINE_USERNAME: '__token__',
        };
        const cmd =
          tool === 'twine'
            ? [
                'twine',
                'upload',
                '--repository-url',
                server.uploadUrl,
                '--non-interactive',
                '--disable-progress-bar',
                wheel,
              ]
            : [
                process.execPath,
                BIN,
                '--home',
                path.join(dir, 'home'),
                'upload',
                'pypi',
                '--repository-url',
                server.uploadUrl,
                '--non-interactive',
                '--disable-progress-bar',
                wheel,
              ];
        const row = await timed(tool, cmd, env);
        row.ok = row.ok && server.uploads.length > 0 && server.uploads.at(-1)!.status === 200;
        process.stderr.write(
          `  ${tool}: ${row.wall.toFixed(2)} s wall, ${row.cpu.toFixed(2)} s CPU, ${row.rssMb.toFixed(0)} MB${row.ok ? '' : ' (FAILED)'}\n`,
        );
        rows.push(row);
      } finally {
        await server.close();
      }
    }
    const best = (tool: string) =>
      rows
        .filter((r) => r.tool === tool)
        .reduce((a, b) =>
          b.wall < a.wall
            ? { ...b, rssMb: Math.max(a.rssMb, b.rssMb), ok: a.ok && b.ok }
            : { ...a, rssMb: Math.max(a.rssMb, b.rssMb), ok: a.ok && b.ok },
        );
    rows.splice(0, rows.length, best('twine'), best('distseal'));
    console.log(
      `\nupload of a ${(size / 2 ** 20).toFixed(0)} MiB wheel to the local index (127.0.0.1), best wall of ${RUNS} run(s) each, highest peak RSS\n`,
    );
    console.log(
      `load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}, ${os.cpus().length} CPUs\n`,
    );
    console.log('| tool | wall s | CPU s | peak RSS MB | ok |');
    console.log('|---|---:|---:|---:|---|');
    for (const r of rows)
      console.log(
        `| ${r.tool} | ${r.wall.toFixed(2)} | ${r.cpu.toFixed(2)} | ${r.rssMb.toFixed(0)} | ${r.ok ? 'yes' : 'NO'} |`,
      );
    const [t, d] = rows;
    console.log(
      `\ntargets: wall <= twine's: ${d!.wall <= t!.wall ? 'met' : 'MISSED'}; RSS <= 150 MB: ${d!.rssMb <= 150 ? 'met' : 'MISSED'}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
