/**
 * Read a wheel or sdist without extracting it: find and parse its core metadata the way
 * Warehouse and twine do (specs/pypi-upload.md §6), and optionally visit every member's first
 * bytes (the leak scan). Streamed and bounded by the archive layer's limits.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import {
  decompress,
  openZip,
  unsafeLinkTarget,
  type ArchiveLimits,
  type ZipArchive,
} from '../../archive/index.js';
import { walkTar } from '../../archive/tar.js';
import { InputError } from '../../errors.js';
import { wrapFsError } from '../../io/atomic.js';
import { MAX_METADATA_BYTES } from '../../limits.js';
import { parsePythonFilename, type PythonFilename } from './filename.js';
import { parseCoreMetadata, type CoreMetadata } from './metadata.js';
import { PkgInfoCandidates } from './pkg-info.js';
import { unsafe, zipLinks, type UnsafeLink } from './unsafe-members.js';

/** Metadata files larger than this are refused (src/core/limits.ts). */
export { MAX_METADATA_BYTES } from '../../limits.js';

export interface PythonDist {
  file: string;
  kind: 'wheel' | 'sdist';
  filename: PythonFilename;
  metadata: CoreMetadata;
  /** The member the metadata came from, e.g. `pkg-1.0.dist-info/METADATA` or `pkg-1.0/PKG-INFO`. */
  metadataMember: string;
  /** Every member name, in archive order. */
  members: string[];
  /** The directory License-File paths are relative to (`x.dist-info/licenses/` or the sdist root). */
  licenseBase: string;
  /** Members whose names are unsafe to extract (absolute, `..`), with the reason. */
  unsafeMembers: Array<{ member: string; reason: string }>;
  /** Symlinks and hard links whose targets are absolute or leave the archive, with the reason. */
  unsafeLinks: UnsafeLink[];
}

export interface ReadPythonOptions {
  limits?: Partial<ArchiveLimits>;
  /** Called with each regular member's first `headBytes` bytes (leak scan). */
  onMember?: (name: string, head: Buffer) => void;
  headBytes?: number;
}

/** Read a `.whl`, `.tar.gz` or `.zip` Python dist. Throws InputError naming the file when it cannot. */
export async function readPythonDist(file: string, options: ReadPythonOptions = {}): Promise<PythonDist> {
  const base = path.basename(file);
  const parsed = parsePythonFilename(base);
  if (!parsed) {
    throw new InputError(
      'E_NOT_A_DIST',
      `${file} is not a Python dist: the name must look like NAME-VERSION-PY-ABI-PLATFORM.whl or NAME-VERSION.tar.gz.`,
      {
        subject: file,
        hint: 'Pass the wheels and sdists your build wrote (usually dist/*).',
      },
    );
  }
  try {
    await stat(file);
  } catch (error) {
    throw wrapFsError(error, file, 'read');
  }
  if (parsed.kind === 'wheel') return readWheel(file, parsed, options);
  return parsed.extension === '.zip'
    ? readZipSdist(file, parsed, options)
    : readTarSdist(file, parsed, options);
}

async function readWheel(
  file: string,
  parsed: PythonFilename,
  options: ReadPythonOptions,
): Promise<PythonDist> {
  const zip = await openZip(file, options.limits);
  try {
    const names = zip.entries.map((e) => e.name);
    // Warehouse reads exactly <name>-<version>.dist-info/METADATA from the filename's first two
    // pieces; fall back to the shallowest *.dist-info/METADATA (twine picks the shallowest too).
    const expected = `${parsed.name}-${parsed.version}.dist-info/METADATA`;
    const candidates = names.filter(
      (n) => /^[^/]+\.dist-info\/METADATA$/.test(n) || /\.dist-info\/METADATA$/.test(n),
    );
    candidates.sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
    const member = names.includes(expected) ? expected : candidates[0];
    if (!member) {
      throw new InputError('E_NO_METADATA', `${file} has no METADATA: expected ${expected}.`, {
        subject: file,
        hint: 'This is not a complete wheel. Rebuild it with your build backend (python -m build).',
      });
    }
    const metadata = await readZipMetadata(zip, file, member, options);
    return {
      unsafeLinks: await zipLinks(zip),
      file,
      kind: 'wheel',
      filename: parsed,
      metadata,
      metadataMember: member,
      members: names,
      licenseBase: `${member.slice(0, -'METADATA'.length)}licenses/`,
      unsafeMembers: unsafe(names),
    };
  } finally {
    await zip.close();
  }
}

/** Parse the metadata member of a zip dist, and hand every member's head to the leak scan. */
async function readZipMetadata(
  zip: ZipArchive,
  file: string,
  member: string,
  options: ReadPythonOptions,
): Promise<CoreMetadata> {
  const text = (await zip.readEntry(member, MAX_METADATA_BYTES)).toString('utf8');
  const metadata = parseCoreMetadata(text);
  requireMetadataVersion(file, member, metadata);
  if (options.onMember) {
    // Only a prefix of each member is decompressed, so a big member (a stored 300 MB .so, a
    // zero-filled data file) costs no more than a small one.
    for (const entry of zip.entries) {
      if (entry.isDirectory || entry.isSymlink) continue;
      options.onMember(entry.name, await zip.readHead(entry.name, options.headBytes ?? 0));
    }
  }
  return metadata;
}

async function readZipSdist(
  file: string,
  parsed: PythonFilename,
  options: ReadPythonOptions,
): Promise<PythonDist> {
  const zip = await openZip(file, options.limits);
  try {
    const names = zip.entries.map((e) => e.name);
    const { root, member } = sdistMetadataMember(file, names);
    const metadata = await readZipMetadata(zip, file, member, options);
    return {
      unsafeLinks: await zipLinks(zip),
      file,
      kind: 'sdist',
      filename: parsed,
      metadata,
      metadataMember: member,
      members: names,
      licenseBase: `${root}/`,
      unsafeMembers: unsafe(names),
    };
  } finally {
    await zip.close();
  }
}

async function readTarSdist(
  file: string,
  parsed: PythonFilename,
  options: ReadPythonOptions,
): Promise<PythonDist> {
  const names: string[] = [];
  const files = new Set<string>();
  const links: UnsafeLink[] = [];
  // Only a PKG-INFO that can still be the root one is kept (at most two), so memory stays flat
  // however many nested PKG-INFO files an sdist holds.
  const pkgInfos = new PkgInfoCandidates();
  const input = createReadStream(file);
  await walkTar(
    decompress(input, 'gzip', file, options.limits),
    file,
    async (entry, body) => {
      const name = entry.name.replace(/^\.\//, '').replace(/\/$/, '');
      names.push(name);
      pkgInfos.see(name);
      if (entry.type === 'symlink' || entry.type === 'link') {
        const reason = unsafeLinkTarget(
          name,
          entry.linkname ?? '',
          entry.type === 'link' ? 'hardlink' : 'symlink',
        );
        if (reason) links.push({ member: name, target: entry.linkname ?? '', reason });
      }
      if (entry.type !== 'file') return;
      files.add(name);
      const isPkgInfo = pkgInfos.wants(name);
      if (!isPkgInfo && !options.onMember) return;
      const data = isPkgInfo ? await body.read(MAX_METADATA_BYTES) : await body.head(options.headBytes ?? 0);
      if (isPkgInfo) pkgInfos.keep(name, data);
      options.onMember?.(name, data.subarray(0, options.headBytes ?? 0));
    },
    options.limits,
  );
  const { root, member } = sdistMetadataMember(file, names);
  const data = pkgInfos.get(member);
  if (!data || !files.has(member)) throw noPkgInfo(file, member);
  const metadata = parseCoreMetadata(data.toString('utf8'));
  requireMetadataVersion(file, member, metadata);
  return {
    file,
    kind: 'sdist',
    filename: parsed,
    metadata,
    metadataMember: member,
    members: names,
    licenseBase: `${root}/`,
    unsafeMembers: unsafe(names),
    unsafeLinks: links,
  };
}

/** twine's rule: root = commonpath(all names); it must be one directory, holding PKG-INFO. */
export function sdistMetadataMember(file: string, names: string[]): { root: string; member: string } {
  const parts = names
    .filter((n) => n !== '' && n !== '.')
    .map((n) => n.replace(/^\.\//, '').replace(/\/+$/, '').split('/'));
  let common = parts[0] ?? [];
  for (const p of parts.slice(1)) {
    let i = 0;
    while (i < common.length && i < p.length && common[i] === p[i]) i += 1;
    common = common.slice(0, i);
  }
  const root = common.join('/');
  if (root === '' || root === '.' || parts.length < 2) {
    const tops = [...new Set(parts.map((p) => p[0]))].slice(0, 5).join(', ');
    throw new InputError(
      'E_SDIST_LAYOUT',
      `${file} has more than one top-level member (${tops}); an sdist holds a single NAME-VERSION/ folder.`,
      {
        subject: file,
        hint: 'Rebuild the sdist with `python -m build --sdist`; do not make it with tar by hand.',
      },
    );
  }
  const member = `${root}/PKG-INFO`;
  if (!names.some((n) => n.replace(/^\.\//, '') === member)) throw noPkgInfo(file, member);
  return { root, member };
}

function noPkgInfo(file: string, member: string): InputError {
  return new InputError('E_NO_METADATA', `${file} has no PKG-INFO: expected ${member}.`, {
    subject: file,
    hint: 'This is not a complete sdist. Rebuild it with `python -m build --sdist`.',
  });
}

function requireMetadataVersion(file: string, member: string, metadata: CoreMetadata): void {
  if (metadata.fields.metadata_version === undefined) {
    throw new InputError(
      'E_NO_METADATA',
      `${file}: ${member} has no Metadata-Version header, so it is not core metadata.`,
      {
        subject: file,
        hint: 'Rebuild the dist with a current build backend.',
      },
    );
  }
}
