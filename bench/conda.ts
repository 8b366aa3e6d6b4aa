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
 *    `channel add --rebuild` which re-reads every package.
 * Needs /usr/bin/time, zstd and /usr/bin/python3 (to generate the tiny packages quickly).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import { FakeAnaconda } from '../test/helpers/fake-anaconda.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'distseal.js');
const KEYS = path.join(ROOT, 'keys-example');

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

interface Measure {
  wall: number;
  rssMB: number;
  status: number | null;
  stderr: string;
}

/** Run under /usr/bin/time without blocking this process (the fake server lives here). */
function timed(args: string[], env: NodeJS.ProcessEnv): Promise<Measure> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', 'BENCH %e %M', process.execPath, BIN, ...args], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => {
      const m = /BENCH ([\d.]+) (\d+)/.exec(stderr);
      if (!m) return reject(new Error(`no timing: ${stderr}`));
      resolve({ wall: Number(m[1]), rssMB: Number(m[2]) / 1024, status, stderr: stderr.slice(0, 2000) });
    });
  });
}

/** A STORED-zip .conda whose pkg member is `mib` MiB of random bytes, written in a streaming way. */
async function writeBigConda(file: string, stem: string, mib: number): Promise<void> {
  const info = spawnSync('bash', [
    '-c',
    `d=$(mktemp -d) && mkdir $d/info && printf '%s' "$1" > $d/info/index.json && tar -C $d -cf - info | zstd -q -19 -c && rm -rf $d`,
    '_',
    JSON.stringify({
      name: stem.split('-')[0],
      version: '1.0',
      build: 'h0_0',
      build_number: 0,
      depends: [],
      subdir: 'linux-64',
    }),
  ]).stdout;
  const handle = await fs.open(file, 'w');
  const central: Buffer[] = [];
  let offset = 0;
  const member = async (name: string, body: AsyncIterable<Buffer> | Buffer[]) => {
    const nameBuf = Buffer.from(name);
    const headerAt = offset;
    await handle.write(Buffer.alloc(30 + nameBuf.length), 0, 30 + nameBuf.length, offset);
    offset += 30 + nameBuf.length;
    let crc = 0;
    let size = 0;
    for await (const chunk of body) {
      crc = crc32(chunk, crc);
      await handle.write(chunk, 0, chunk.length, offset);
      offset += chunk.length;
      size += chunk.length;
    }
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt32LE(crc >>> 0, 14);
    header.writeUInt32LE(size, 18);
    header.writeUInt32LE(size, 22);
    header.writeUInt16LE(nameBuf.length, 26);
    await handle.write(Buffer.concat([header, nameBuf]), 0, 30 + nameBuf.length, headerAt);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt32LE(crc >>> 0, 16);
    c.writeUInt32LE(size, 20);
    c.writeUInt32LE(size, 24);
    c.writeUInt16LE(nameBuf.length, 28);
    c.writeUInt32LE(headerAt, 42);
    central.push(c, nameBuf);
  };
  async function* random(): AsyncIterable<Buffer> {
    const block = randomBytes(1 << 20);
    for (let i = 0; i < mib; i += 1) {
      block[i % block.length] ^= 0xa5;
      yield block;
    }
  }
  await member('metadata.json', [Buffer.from('{"conda_pkg_format_version": 2}')]);
  await member(`pkg-${stem}.tar.zst`, random());
  await member(`info-${stem}.tar.zst`, [info]);
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(central.length / 2, 8);
  end.writeUInt16LE(central.length / 2, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  await handle.write(Buffer.concat([cd, end]), 0, cd.length + 22, offset);
  await handle.close();
}

/** Tiny .tar.bz2 packages (bz2 in-process in Python: fast) and, optionally, repodata.json for them as conda-index writes it. */
function makeTinyPackages(dir: string, prefix: string, count: number, withRepodata: boolean): void {
  const script = `
import bz2, hashlib, io, json, os, sys, tarfile
d, prefix, n, rd = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == '1'
os.makedirs(d, exist_ok=True)
repodata = {'info': {'subdir': 'noarch'}, 'packages': {}, 'packages.conda': {}, 'removed': [], 'repodata_version': 1}
for i in range(n):
    name = f'{prefix}{i}'
    idx = {'name': name, 'version': '1.0', 'build': 'py_0', 'build_number': 0, 'depends': [], 'subdir': 'noarch', 'noarch': 'generic', 'timestamp': 1764000000000}
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w') as t:
        for member, text in (('info/index.json', json.dumps(idx)), ('info/about.json', '{"summary":"bench"}'), ('share/x.txt', name)):
            data = text.encode(); ti = tarfile.TarInfo(member); ti.size = len(data); t.addfile(ti, io.BytesIO(data))
    blob = bz2.compress(buf.getvalue())
    fn = f'{name}-1.0-py_0.tar.bz2'
    open(os.path.join(d, fn), 'wb').write(blob)
    if rd:
        rec = dict(idx); rec.update(md5=hashlib.md5(blob).hexdigest(), sha256=hashlib.sha256(blob).hexdigest(), size=len(blob))
        repodata['packages'][fn] = rec
if rd:
    open(os.path.join(d, 'repodata.json'), 'w').write(json.dumps(repodata, sort_keys=True, separators=(',', ':')))
`;
  const r = spawnSync(
    '/usr/bin/python3',
    ['-c', script, dir, prefix, String(count), withRepodata ? '1' : '0'],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(r.stderr);
}

async function main(): Promise<void> {
  const gib = arg('gib', 1);
  const existing = arg('existing', 10_000);
  const adding = arg('add', 1_000);
  const work = mkdtempSync(path.join(os.tmpdir(), 'distseal-bench-conda-'));
  const rows: string[] = ['| task | size | wall (s) | peak RSS (MB) | result |', '|---|---|---|---|---|'];
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
          `| upload conda to fake anaconda.org | ${gib} GiB | ${m.wall.toFixed(1)} | ${m.rssMB.toFixed(0)} | ${ok ? 'ok' : `FAILED ${m.stderr}`} (goal < 150 MB) |`,
        );
      } finally {
        await server.stop();
        await fs.rm(big, { force: true });
      }
    }
    // 2. channel add: 1,000 into 10,000.
    const home = path.join(work, 'home');
    spawnSync(
      process.execPath,
      [BIN, '--home', home, 'keys', 'import', path.join(KEYS, 'example-secret.asc')],
      { env: baseEnv },
    );
    const channel = path.join(work, 'channel');
    process.stderr.write(`generating ${existing} + ${adding} tiny packages...\n`);
    makeTinyPackages(path.join(channel, 'noarch'), 'old', existing, true);
    const newDir = path.join(work, 'new');
    makeTinyPackages(newDir, 'new', adding, false);
    const newFiles = (await fs.readdir(newDir)).map((f) => path.join(newDir, f));
    const add = await timed(['--home', home, '--quiet', 'channel', 'add', channel, ...newFiles], baseEnv);
    const count = Object.keys(
      JSON.parse(await fs.readFile(path.join(channel, 'noarch', 'repodata.json'), 'utf8')).packages,
    ).length;
    rows.push(
      `| channel add (incremental) | ${adding} into ${existing} | ${add.wall.toFixed(1)} | ${add.rssMB.toFixed(0)} | ${add.status === 0 && count === existing + adding ? `ok, ${count} records` : `FAILED ${add.stderr}`} |`,
    );
    const rebuild = await timed(['--home', home, '--quiet', 'channel', 'add', channel, '--rebuild'], baseEnv);
    rows.push(
      `| channel add --rebuild (reads every package) | ${existing + adding} | ${rebuild.wall.toFixed(1)} | ${rebuild.rssMB.toFixed(0)} | ${rebuild.status === 0 ? 'ok' : `FAILED ${rebuild.stderr}`} |`,
    );
    const verify = await timed(
      [
        '--home',
        home,
        '--quiet',
        'channel',
        'verify',
        channel,
        '--keyring',
        path.join(KEYS, 'example-public.asc'),
      ],
      baseEnv,
    );
    rows.push(
      `| channel verify (every record, hash and signature) | ${existing + adding} | ${verify.wall.toFixed(1)} | ${verify.rssMB.toFixed(0)} | exit ${verify.status} (the ${existing} generated packages have no .asc, so 3 is expected) |`,
    );
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
  process.stdout.write(`\n${rows.join('\n')}\n`);
}

await main();
