/**
 * Hand-run benchmark (never in the test gate) for the consumer side, as ratios in one run:
 *  - `distseal download` of a big wheel from a local PEP 503 index vs `pip download` of it
 *    (same server: python3 -m http.server over a static simple index), wall time and peak RSS;
 *  - `distseal verify DIR` over many small signed files vs a `gpgv` loop and an `sqv` loop.
 *
 *   npm run build && node dist/bench/consumers.js [--mib 1024] [--files 10000]   (--mib 0: no download)
 *
 * Everything lives in a temp directory removed at the end. Needs python3 with pip, gpg (only to
 * make gpgv's keyring), gpgv, sqv and /usr/bin/time.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as openpgp from 'openpgp';
import { createDetachedSignature } from '../src/core/sign/index.js';
import { timed } from './bench-tools.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'distseal.js');

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function sha256(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** A real (stored, zip64) wheel holding `mib` MiB of random data, made by Python's zipfile. */
function makeWheel(file: string, mib: number): void {
  const py = `
import os, sys, zipfile
path, mib = sys.argv[1], int(sys.argv[2])
di = 'bigpkg-1.0.dist-info/'
with zipfile.ZipFile(path, 'w', zipfile.ZIP_STORED, allowZip64=True) as z:
    z.writestr(di + 'METADATA', 'Metadata-Version: 2.1\\nName: bigpkg\\nVersion: 1.0\\n')
    z.writestr(di + 'WHEEL', 'Wheel-Version: 1.0\\nGenerator: bench\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n')
    with z.open('bigpkg/data.bin', 'w', force_zip64=True) as out:
        for _ in range(mib):
            out.write(os.urandom(1 << 20))
    z.writestr(di + 'RECORD', '')
`;
  const r = spawnSync('python3', ['-c', py, file, String(mib)], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('python3 could not write the wheel');
}

/** `distseal download` of a `mib` MiB wheel against `pip download` of it, from one static index. */
async function downloadRows(
  dir: string,
  mib: number,
  privateKey: openpgp.PrivateKey,
  rows: string[],
): Promise<void> {
  const keyAsc = path.join(dir, 'key.asc');
  const web = path.join(dir, 'web');
  const wheel = 'bigpkg-1.0-py3-none-any.whl';
  await fs.mkdir(path.join(web, 'simple', 'bigpkg'), { recursive: true });
  await fs.mkdir(path.join(web, 'files'));
  const wheelPath = path.join(web, 'files', wheel);
  makeWheel(wheelPath, mib);
  await fs.writeFile(`${wheelPath}.asc`, await createDetachedSignature(wheelPath, privateKey));
  await fs.writeFile(
    path.join(web, 'simple', 'bigpkg', 'index.html'),
    `<!DOCTYPE html><html><body><a href="/files/${wheel}#sha256=${await sha256(wheelPath)}" data-gpg-sig="true">${wheel}</a></body></html>\n`,
  );
  const server = spawn('python3', ['-m', 'http.server', '--bind', '127.0.0.1', '0'], {
    cwd: web,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (d: Buffer) => {
      const m = /port (\d+)/.exec(String(d));
      if (m) resolve(Number(m[1]));
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    server.on('exit', () => reject(new Error('http.server stopped')));
  });
  const index = `http://127.0.0.1:${port}/simple/`;
  try {
    const home = path.join(dir, 'home');
    const dl = timed(
      [
        process.execPath,
        BIN,
        '--home',
        home,
        'download',
        'bigpkg==1.0',
        '-i',
        index,
        '-d',
        'out-distseal',
        '--keyring',
        keyAsc,
        '--quiet',
      ],
      process.env,
      dir,
    );
    const pip = timed(
      [
        'python3',
        '-m',
        'pip',
        'download',
        '--no-deps',
        '--no-cache-dir',
        '--disable-pip-version-check',
        '-q',
        '-i',
        index,
        '-d',
        'out-pip',
        'bigpkg==1.0',
      ],
      { ...process.env, PIP_CONFIG_FILE: '/dev/null' },
      dir,
    );
    rows.push(
      `| ${mib} MiB wheel | distseal download (hash + signature) | ${dl.wall.toFixed(2)} | ${dl.cpu.toFixed(2)} | ${dl.rssMB.toFixed(0)} | ${dl.status} |`,
    );
    rows.push(
      `| ${mib} MiB wheel | pip download (hash) | ${pip.wall.toFixed(2)} | ${pip.cpu.toFixed(2)} | ${pip.rssMB.toFixed(0)} | ${pip.status} |`,
    );
    rows.push(`| | ratio distseal / pip (wall) | ${(dl.wall / pip.wall).toFixed(2)}x | | | |`);
  } finally {
    server.kill();
  }
  await fs.rm(web, { recursive: true, force: true });
}

async function main(): Promise<void> {
  const mib = arg('mib', 1024);
  const files = arg('files', 10_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'distseal-bench-consumers-'));
  const rows: string[] = [];
  try {
    const { privateKey, publicKey } = await openpgp.generateKey({
      userIDs: [{ name: 'Bench', email: 'bench@example.invalid' }],
      format: 'object',
    });
    const keyAsc = path.join(dir, 'key.asc');
    await fs.writeFile(keyAsc, publicKey.armor());
    await fs.writeFile(path.join(dir, 'key.gpg'), publicKey.write());

    // 1. download vs pip download, from one static simple index (--mib 0 skips it).
    if (mib > 0) await downloadRows(dir, mib, privateKey, rows);

    // 2. verify DIR vs gpgv and sqv loops over many small signed files.
    const tree = path.join(dir, 'tree');
    for (let d = 0; d < Math.ceil(files / 1000); d += 1)
      await fs.mkdir(path.join(tree, `d${d}`), { recursive: true });
    for (let i = 0; i < files; i += 1) {
      const f = path.join(tree, `d${Math.floor(i / 1000)}`, `pkg_${i}-1.0.tar.gz`);
      const data = Buffer.from(`small file ${i}\n`.repeat(64));
      await fs.writeFile(f, data);
      await fs.writeFile(
        `${f}.asc`,
        (await openpgp.sign({
          message: await openpgp.createMessage({ binary: data }),
          signingKeys: privateKey,
          detached: true,
        })) as string,
      );
    }
    const ours = timed(
      [
        process.execPath,
        BIN,
        '--home',
        path.join(dir, 'home'),
        'verify',
        'tree',
        '--keyring',
        keyAsc,
        '--quiet',
      ],
      process.env,
      dir,
    );
    const loop = (tool: string) =>
      `for f in $(find tree -name '*.tar.gz'); do ${tool} "$f.asc" "$f" >/dev/null 2>&1 || exit 9; done`;
    const gpgv = timed(['bash', '-c', loop('gpgv --keyring ./key.gpg')], process.env, dir);
    const sqv = timed(['bash', '-c', loop('sqv --keyring key.asc')], process.env, dir);
    rows.push(
      `| ${files} small files | distseal verify DIR | ${ours.wall.toFixed(2)} | ${ours.cpu.toFixed(2)} | ${ours.rssMB.toFixed(0)} | ${ours.status} |`,
    );
    rows.push(
      `| ${files} small files | gpgv loop | ${gpgv.wall.toFixed(2)} | ${gpgv.cpu.toFixed(2)} | ${gpgv.rssMB.toFixed(0)} | ${gpgv.status} |`,
    );
    rows.push(
      `| ${files} small files | sqv loop | ${sqv.wall.toFixed(2)} | ${sqv.cpu.toFixed(2)} | ${sqv.rssMB.toFixed(0)} | ${sqv.status} |`,
    );
    const ratio = (other: { wall: number; cpu: number }) =>
      `${(ours.wall / other.wall).toFixed(3)}x | ${(ours.cpu / other.cpu).toFixed(3)}x | | |`;
    rows.push(`| | ratio distseal / gpgv loop (wall, CPU; goal <= 0.1x) | ${ratio(gpgv)}`);
    rows.push(`| | ratio distseal / sqv loop (wall, CPU) | ${ratio(sqv)}`);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
  process.stdout.write(
    `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average at the end ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n\n`,
  );
  process.stdout.write(
    '| input | tool | wall (s) | CPU (s) | peak RSS (MB) | exit |\n|---|---|---:|---:|---:|---:|\n',
  );
  process.stdout.write(`${rows.join('\n')}\n`);
}

await main();
