/**
 * The CRC-24 of OpenPGP ASCII armor (RFC 4880 section 6.1). openpgp.js 6 no longer checks it
 * (RFC 9580 made it optional), but GnuPG 2.2 refuses armor whose checksum is wrong, and a wrong
 * checksum means the text was damaged in transit: we check it ourselves and say so.
 */
export function crc24(data: Uint8Array): number {
  let crc = 0xb704ce;
  for (const byte of data) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i += 1) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

/**
 * The checksum line ("=XXXX", base64 of 3 bytes) of an armor block, if it has one.
 * It is the last line of the body that starts with "=" and is exactly 5 characters long.
 */
export function armorChecksum(block: string): number | undefined {
  const lines = block.split(/\r?\n/).map((l) => l.trim());
  const end = lines.findIndex((l) => l.startsWith('-----END PGP '));
  for (let i = end - 1; i > 0; i -= 1) {
    const line = lines[i]!;
    if (line === '') continue;
    if (/^=[A-Za-z0-9+/]{4}$/.test(line)) {
      const bytes = Buffer.from(line.slice(1), 'base64');
      return (bytes[0]! << 16) | (bytes[1]! << 8) | bytes[2]!;
    }
    return undefined;
  }
  return undefined;
}
