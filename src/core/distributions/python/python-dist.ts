import type { ArchiveLimits } from '../../archive/index.js';
import type { PythonFilename } from './filename.js';
import type { CoreMetadata } from './metadata.js';
import { unsafe, type UnsafeLink } from './unsafe-members.js';

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

/** A dist read from its names, its metadata member and its unsafe links (wheels and sdists alike). */
export function pythonDist(
  file: string,
  kind: PythonDist['kind'],
  parsed: PythonFilename,
  names: string[],
  found: { member: string; metadata: CoreMetadata; licenseBase: string },
  unsafeLinks: UnsafeLink[],
): PythonDist {
  return {
    file,
    kind,
    filename: parsed,
    metadata: found.metadata,
    metadataMember: found.member,
    members: names,
    licenseBase: found.licenseBase,
    unsafeMembers: unsafe(names),
    unsafeLinks,
  };
}
