/** Zip dists (wheels, old `.zip` sdists), and the core-metadata member every dist must have. */
import { openZip, type ZipArchive } from '../../archive/index.js';
import { InputError } from '../../errors.js';
import { MAX_METADATA_BYTES } from '../../limits.js';
import { parseCoreMetadata, type CoreMetadata } from './metadata.js';
import type { PythonFilename } from './filename.js';
import { pythonDist, type PythonDist, type ReadPythonOptions } from './python-dist.js';
import { zipLinks } from './unsafe-members.js';

/**
 * A zip dist (a wheel, or an old `.zip` sdist): `locate` names its metadata member and the
 * directory License-File paths are relative to; the rest is the same for both.
 */
export async function readZipDist(
  file: string,
  kind: PythonDist['kind'],
  parsed: PythonFilename,
  options: ReadPythonOptions,
  locate: (names: string[]) => { member: string; licenseBase: string },
): Promise<PythonDist> {
  const zip = await openZip(file, options.limits);
  try {
    const names = zip.entries.map((e) => e.name);
    const { member, licenseBase } = locate(names);
    const metadata = await readZipMetadata(zip, file, member, options);
    return pythonDist(file, kind, parsed, names, { member, metadata, licenseBase }, await zipLinks(zip));
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

/** Throws E_NO_METADATA when `metadata` has no Metadata-Version (it is not core metadata). */
export function requireMetadataVersion(file: string, member: string, metadata: CoreMetadata): void {
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
