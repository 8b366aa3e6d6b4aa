/** Inputs for bench/conda.ts: a big STORED-zip .conda, and many tiny .tar.bz2 packages. */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { crc32 } from 'node:zlib';

/** A STORED-zip .conda whose pkg member is `mib` MiB of random bytes, written in a streaming way. */
export async function writeBigConda(file: string, stem: string, mib: number): Promise<void> {
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
export function makeTinyPackages(dir: string, prefix: string, count: number, withRepodata: boolean): void {
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
