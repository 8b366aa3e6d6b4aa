/**
 * Reading an sdist (`.tar.gz`, or the old `.zip`): its single NAME-VERSION/ root and the
 * PKG-INFO there, found the way twine and Warehouse find them.
 */
import { createReadStream } from 'node:fs';
import { decompress, unsafeLinkTarget } from '../../archive/index.js';
import { walkTar } from '../../archive/tar.js';
import { InputError } from '../../errors.js';
import { MAX_METADATA_BYTES } from '../../limits.js';
import type { PythonFilename } from './filename.js';
import { parseCoreMetadata } from './metadata.js';
import { readZipDist, requireMetadataVersion } from './metadata-member.js';
import { PkgInfoCandidates } from './pkg-info.js';
import { pythonDist, type PythonDist, type ReadPythonOptions } from './python-dist.js';
import type { UnsafeLink } from './unsafe-members.js';

export function readZipSdist(
  file: string,
  parsed: PythonFilename,
  options: ReadPythonOptions,
): Promise<PythonDist> {
  return readZipDist(file, 'sdist', parsed, options, (names) => {
    const { root, member } = sdistMetadataMember(file, names);
    return { member, licenseBase: `${root}/` };
  });
}

export async function readTarSdist(
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
  return pythonDist(file, 'sdist', parsed, names, { member, metadata, licenseBase: `${root}/` }, links);
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
