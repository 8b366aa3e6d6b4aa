/** Tar archives for the bounded tests, streamed to disk (gzip or bzip2), with links allowed. */
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import tarStream from 'tar-stream';

export type TarMember =
  | { name: string; data: Buffer | string }
  | { name: string; symlink: string }
  | { name: string; hardlink: string }
  | { name: string; size: number; fill: (size: number) => Buffer };

function pack(members: Iterable<TarMember>): Readable {
  const p = tarStream.pack();
  void (async () => {
    for (const m of members) {
      if ('symlink' in m) p.entry({ name: m.name, type: 'symlink', linkname: m.symlink });
      else if ('hardlink' in m) p.entry({ name: m.name, type: 'link', linkname: m.hardlink });
      else if ('fill' in m) {
        await new Promise<void>((resolve, reject) =>
          p.entry({ name: m.name, size: m.size, mode: 0o644 }, m.fill(m.size), (e) =>
            e ? reject(e) : resolve(),
          ),
        );
      } else
        p.entry({ name: m.name, mode: 0o644 }, typeof m.data === 'string' ? Buffer.from(m.data) : m.data);
    }
    p.finalize();
  })().catch((error: Error) => p.destroy(error));
  return p as unknown as Readable;
}

/** Write `members` as a .tar.gz (gzip level 1: quick for big generated members). */
export async function writeTarGz(file: string, members: Iterable<TarMember>): Promise<void> {
  await pipeline(pack(members), zlib.createGzip({ level: 1 }), createWriteStream(file));
}

/** Write `members` as a .tar.bz2 through the bzip2 program. */
export async function writeTarBz2(file: string, members: Iterable<TarMember>): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of pack(members)) chunks.push(c as Buffer);
  const r = spawnSync('bzip2', ['-c'], { input: Buffer.concat(chunks), maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`bzip2 failed: ${r.stderr}`);
  await writeFile(file, r.stdout);
}
