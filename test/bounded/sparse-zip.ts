/**
 * A zip written straight to disk where a member may be N zero bytes STORED without writing
 * them: the file gets a hole (sparse), so a 300 MB member costs no disk and no time. For the
 * honest-large-wheel tests (issue 10 B).
 */
import { open } from 'node:fs/promises';
import zlib from 'node:zlib';

export type SparseMember =
  { name: string; data: Buffer | string; method?: 'stored' | 'deflate' } | { name: string; zeros: number };

function crcOfZeros(n: number): number {
  const block = Buffer.alloc(1 << 20);
  let crc = 0;
  for (let left = n; left > 0; left -= block.length)
    crc = zlib.crc32(block.subarray(0, Math.min(left, block.length)), crc);
  return crc;
}

export async function writeSparseZip(file: string, members: SparseMember[]): Promise<void> {
  const fh = await open(file, 'w');
  const centrals: Buffer[] = [];
  let offset = 0;
  try {
    for (const m of members) {
      const name = Buffer.from(m.name, 'utf8');
      let method = 0;
      let body: Buffer | undefined;
      let size: number;
      let crc: number;
      if ('zeros' in m) {
        size = m.zeros;
        crc = crcOfZeros(size);
      } else {
        const data = Buffer.isBuffer(m.data) ? m.data : Buffer.from(m.data);
        method = m.method === 'stored' ? 0 : 8;
        body = method === 8 ? zlib.deflateRawSync(data) : data;
        size = data.length;
        crc = zlib.crc32(data);
      }
      const compressed = body ? body.length : size;
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt16LE(0x0800, 6);
      local.writeUInt16LE(method, 8);
      local.writeUInt32LE(crc >>> 0, 14);
      local.writeUInt32LE(compressed, 18);
      local.writeUInt32LE(size, 22);
      local.writeUInt16LE(name.length, 26);
      await fh.write(Buffer.concat([local, name, body ?? Buffer.alloc(0)]), 0, undefined, offset);
      const central = Buffer.alloc(46);
      central.writeUInt32LE(0x02014b50, 0);
      central.writeUInt16LE(20, 4);
      central.writeUInt16LE(20, 6);
      central.writeUInt16LE(0x0800, 8);
      central.writeUInt16LE(method, 10);
      central.writeUInt32LE(crc >>> 0, 16);
      central.writeUInt32LE(compressed, 20);
      central.writeUInt32LE(size, 24);
      central.writeUInt16LE(name.length, 28);
      central.writeUInt32LE(offset, 42);
      centrals.push(central, name);
      offset += 30 + name.length + compressed; // a zeros member is left as a hole
    }
    const cd = Buffer.concat(centrals);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(members.length, 8);
    end.writeUInt16LE(members.length, 10);
    end.writeUInt32LE(cd.length, 12);
    end.writeUInt32LE(offset, 16);
    await fh.write(Buffer.concat([cd, end]), 0, undefined, offset);
  } finally {
    await fh.close();
  }
}
