import zlib from 'node:zlib';

/** A member for `makeZip`. `declaredSize` lets a test lie about the uncompressed size. */
export interface ZipMember {
  name: string;
  data: Buffer | string;
  method?: 'stored' | 'deflate';
  declaredSize?: number;
  /** A Unix mode for the external attributes (e.g. 0o120777 for a symlink); marks the zip as made on Unix. */
  unixMode?: number;
}

/**
 * Write a minimal zip (no zip64) in memory, for crafting good and hostile archives in tests
 * without depending on an outside zip tool.
 */
export function makeZip(members: ZipMember[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const data = Buffer.isBuffer(m.data) ? m.data : Buffer.from(m.data);
    const method = m.method === 'stored' ? 0 : 8;
    const body = method === 8 ? zlib.deflateRawSync(data) : data;
    const crc = zlib.crc32(data);
    const name = Buffer.from(m.name, 'utf8');
    const size = m.declaredSize ?? data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(m.unixMode === undefined ? 20 : (3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    if (m.unixMode !== undefined) central.writeUInt32LE((m.unixMode << 16) >>> 0, 38);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/**
 * The overlapping-file zip bomb: one deflated kernel, and a central directory whose `names` all
 * point at it, so N members cost the disk of one.
 */
export function makeOverlappingZip(names: string[], data: Buffer): Buffer {
  const one = makeZip([{ name: names[0]!, data }]);
  const localLength = one.readUInt32LE(one.length - 6); // the central directory's offset
  const central = one.subarray(localLength, one.length - 22);
  const entries: Buffer[] = [];
  for (const name of names) {
    const head = Buffer.from(central.subarray(0, 46));
    const bytes = Buffer.from(name, 'utf8');
    head.writeUInt16LE(bytes.length, 28);
    entries.push(head, bytes);
  }
  const cd = Buffer.concat(entries);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(names.length, 8);
  end.writeUInt16LE(names.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(localLength, 16);
  return Buffer.concat([one.subarray(0, localLength), cd, end]);
}
