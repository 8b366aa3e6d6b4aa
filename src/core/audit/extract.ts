/**
 * Copy the Python sources of a dist (and an sdist's root pyproject.toml, for `[tool.bandit]`)
 * into a private directory for Bandit. Only regular `*.py` members are written, each under its
 * own member path; names that could escape (absolute, `..`, NUL) and links are skipped, every
 * file is opened with O_EXCL (never through an existing path), and sizes are bounded by the
 * archive readers' limits plus a total cap.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import {
  decompress,
  openZip,
  unsafeMemberName,
  walkTar,
  type ArchiveLimits,
  type TarBody,
  type TarEntry,
} from '../archive/index.js';
import { bombError } from '../archive/limits.js';
import { walkCondaComponents, walkTarBz2 } from '../distributions/conda/read.js';
import { distEcosystem } from '../distributions/read-dist.js';
import { InputError } from '../errors.js';

/** One Python source file may not be larger than this. */
export const MAX_SOURCE_BYTES = 32 * 1024 * 1024;
/** All sources of one dist together may not be larger than this. */
export const MAX_SOURCES_TOTAL = 1024 * 1024 * 1024;
const MAX_PYPROJECT_BYTES = 1024 * 1024;

export interface ExtractedSources {
  /** Member paths written (relative to the target directory), in archive order. */
  files: string[];
  /** Members skipped because their name or type is unsafe, with the reason. */
  skipped: Array<{ member: string; reason: string }>;
  /** The text of the sdist's `<root>/pyproject.toml`, and its member path. */
  pyproject?: { member: string; text: string };
}

/** Extract `file`'s Python sources into the (empty, private) directory `dest`. */
export async function extractPythonSources(
  file: string,
  dest: string,
  limits?: Partial<ArchiveLimits>,
): Promise<ExtractedSources> {
  const out: ExtractedSources = { files: [], skipped: [] };
  const base = path.basename(file);
  const isSdist = /\.(tar\.gz|zip)$/i.test(base);
  let total = 0;
  const root = path.resolve(dest);
  const written = new Set<string>();

  const write = async (member: string, data: Buffer): Promise<void> => {
    total += data.length;
    if (total > MAX_SOURCES_TOTAL)
      throw bombError(file, `its Python sources exceed ${MAX_SOURCES_TOTAL} bytes`);
    const target = path.resolve(root, member);
    if (!target.startsWith(`${root}${path.sep}`) || written.has(target)) {
      out.skipped.push({
        member,
        reason: written.has(target) ? 'a duplicate member name' : 'a path outside the dist',
      });
      return;
    }
    written.add(target);
    await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    const handle = await open(target, 'wx', 0o600);
    try {
      await handle.writeFile(data);
    } finally {
      await handle.close();
    }
    out.files.push(member);
  };

  /** Decide about one member by name and type; returns the clean name when it is wanted. */
  const wanted = (rawName: string, isFile: boolean): string | undefined => {
    const name = rawName.replace(/^(\.\/)+/, '');
    if (!name.endsWith('.py') && !name.endsWith('/pyproject.toml')) return undefined;
    const unsafe = unsafeMemberName(name);
    if (unsafe) {
      out.skipped.push({ member: rawName, reason: unsafe });
      return undefined;
    }
    if (!isFile) {
      if (name.endsWith('.py'))
        out.skipped.push({ member: name, reason: 'not a regular file (a link or device)' });
      return undefined;
    }
    return name;
  };

  const take = async (name: string, read: (max: number) => Promise<Buffer>): Promise<void> => {
    if (name.endsWith('/pyproject.toml')) {
      if (isSdist && name.split('/').length === 2 && !out.pyproject)
        out.pyproject = { member: name, text: (await read(MAX_PYPROJECT_BYTES)).toString('utf8') };
      return;
    }
    await write(name, await read(MAX_SOURCE_BYTES));
  };

  const tarVisit = async (entry: TarEntry, body: TarBody): Promise<void> => {
    const name = wanted(entry.name, entry.type === 'file');
    if (name) await take(name, (max) => body.read(max));
  };

  const ecosystem = distEcosystem(file);
  if (!ecosystem) {
    throw new InputError(
      'E_NOT_A_DIST',
      `${file} is not a dist distseal can audit (expected .whl, .tar.gz, .zip, .conda or .tar.bz2).`,
      { subject: file },
    );
  }
  if (/\.conda$/i.test(base)) await walkCondaComponents(file, 'pkg', tarVisit, limits);
  else if (/\.tar\.bz2$/i.test(base)) await walkTarBz2(file, tarVisit, limits);
  else if (/\.tar\.gz$/i.test(base))
    await walkTar(decompress(createReadStream(file), 'gzip', file, limits), file, tarVisit, limits);
  else {
    const zip = await openZip(file, limits);
    try {
      for (const entry of zip.entries) {
        if (entry.isDirectory) continue;
        const name = wanted(entry.name, true);
        if (name) await take(name, (max) => zip.readEntry(entry.name, max));
      }
    } finally {
      await zip.close();
    }
  }
  return out;
}
