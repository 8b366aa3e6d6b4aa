import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import tarStream from 'tar-stream';

/** Test-time package builder for inputs cph would never write (bombs, missing parts). Uses the zstd and bzip2 programs. */

export interface Member {
  name: string;
  data: Buffer | string;
}

export async function tarOf(members: Member[]): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const done = new Promise<void>((r) => pack.on('end', () => r()));
  for (const m of members)
    pack.entry(
      { name: m.name, mode: 0o644, uid: 0, gid: 0 },
      typeof m.data === 'string' ? Buffer.from(m.data) : m.data,
    );
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

function compress(program: 'zstd' | 'bzip2', data: Buffer): Buffer {
  const r = spawnSync(program, program === 'zstd' ? ['-3', '-c', '-q'] : ['-c', '-1'], {
    input: data,
    maxBuffer: 1 << 30,
  });
  if (r.status !== 0) throw new Error(`${program} failed: ${r.stderr}`);
  return r.stdout;
}

export const zstd = (d: Buffer) => compress('zstd', d);
export const bzip2 = (d: Buffer) => compress('bzip2', d);

/** A STORED zip (as cph writes .conda files) of the given members, in order. */
export function storedZip(entries: Array<{ name: string; data: Buffer }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const crc = crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, e.data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + e.data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

export function indexJson(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    name: 'pkg',
    version: '1.0',
    build: 'h0_0',
    build_number: 0,
    depends: [],
    subdir: 'noarch',
    ...overrides,
  });
}

/** Write `<dir>/<stem>.conda` with the given info/ and pkg members (info tarball omitted when `info` is null). */
export async function writeConda(
  file: string,
  stem: string,
  info: Member[] | null,
  pkg: Member[] = [{ name: 'share/x.txt', data: 'x' }],
): Promise<void> {
  const entries = [
    { name: 'metadata.json', data: Buffer.from('{"conda_pkg_format_version": 2}') },
    { name: `pkg-${stem}.tar.zst`, data: zstd(await tarOf(pkg)) },
  ];
  if (info) entries.push({ name: `info-${stem}.tar.zst`, data: zstd(await tarOf(info)) });
  await writeFile(file, storedZip(entries));
}
