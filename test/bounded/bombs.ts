/**
 * Decompression bombs made at test time, small on disk: a tar holding 1 GiB of zeros, as a
 * .tar.bz2 and as the info tarball of a .conda. The compressed stream is the tar's head
 * compressed once, then one compressed 64 MiB run of zeros repeated (concatenated bzip2
 * streams and zstd frames are valid and decode as one), so no gigabyte is ever compressed.
 */
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { indexJson, storedZip, tarOf } from '../conda/make.js';

const RUN = 64 * 1024 * 1024;
export const BOMB_BYTES = 1024 * 1024 * 1024;

function compress(program: 'bzip2' | 'zstd', data: Buffer): Buffer {
  const r = spawnSync(program, program === 'zstd' ? ['-19', '-c', '-q'] : ['-9', '-c'], {
    input: data,
    maxBuffer: 1 << 30,
  });
  if (r.status !== 0) throw new Error(`${program} failed: ${r.stderr}`);
  return r.stdout;
}

/** The compressed tar: info/index.json, then `name` declared as 1 GiB of zeros (and its zeros). */
async function bombTar(program: 'bzip2' | 'zstd', name: string, index: string): Promise<Buffer> {
  const head = await tarOf([{ name: 'info/index.json', data: index }]);
  const withoutTrailer = head.subarray(0, head.length - 1024); // tar ends with two zero blocks
  const header = Buffer.alloc(512);
  header.write(name, 0);
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${BOMB_BYTES.toString(8).padStart(11, '0')}\0`, 124);
  header.write('00000000000\0', 136);
  header.write('0', 156); // a regular file
  header.write('ustar\x0000', 257);
  header.fill(' ', 148, 156);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const parts = [compress(program, Buffer.concat([withoutTrailer, header]))];
  const run = compress(program, Buffer.alloc(RUN));
  for (let i = 0; i < BOMB_BYTES / RUN; i += 1) parts.push(run);
  parts.push(compress(program, Buffer.alloc(1024))); // the tar trailer
  return Buffer.concat(parts);
}

/** A .tar.bz2 whose tar holds info/index.json, then 1 GiB of zeros (info/zeros.bin). */
export async function writeBzip2Bomb(file: string): Promise<void> {
  await writeFile(file, await bombTar('bzip2', 'info/zeros.bin', indexJson({ name: 'bomb' })));
}

/** `<dir>/bomb-1.0-0.conda` whose info tarball holds 1 GiB of zeros (info/zeros.bin, after index.json). */
export async function writeZstdBomb(file: string, stem: string): Promise<void> {
  const info = await bombTar('zstd', 'info/zeros.bin', indexJson({ name: 'bomb' }));
  const pkg = compress('zstd', await tarOf([{ name: 'share/x.txt', data: 'x' }]));
  await writeFile(
    file,
    storedZip([
      { name: 'metadata.json', data: Buffer.from('{"conda_pkg_format_version": 2}') },
      { name: `pkg-${stem}.tar.zst`, data: pkg },
      { name: `info-${stem}.tar.zst`, data: info },
    ]),
  );
}
