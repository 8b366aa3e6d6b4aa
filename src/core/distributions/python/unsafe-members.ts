import { unsafeLinkTarget, unsafeMemberName, type ZipArchive } from '../../archive/index.js';
import { MAX_LINK_TARGET_BYTES } from '../../limits.js';

/** A member that an extracting tool would write, or link, outside its target. */
export interface UnsafeLink {
  member: string;
  target: string;
  reason: string;
}

/** Zip symlinks (Unix mode in the external attributes) whose target leaves the archive. */
export async function zipLinks(zip: ZipArchive): Promise<UnsafeLink[]> {
  const out: UnsafeLink[] = [];
  for (const entry of zip.entries) {
    if (!entry.isSymlink) continue;
    const target = (await zip.readHead(entry.name, MAX_LINK_TARGET_BYTES)).toString('utf8');
    const reason = unsafeLinkTarget(entry.name, target, 'symlink');
    if (reason) out.push({ member: entry.name, target, reason });
  }
  return out;
}

/** Members whose names are unsafe to extract (absolute, `..`), with the reason. */
export function unsafe(names: string[]): Array<{ member: string; reason: string }> {
  const out: Array<{ member: string; reason: string }> = [];
  for (const member of names) {
    const reason = unsafeMemberName(member);
    if (reason) out.push({ member, reason });
  }
  return out;
}
