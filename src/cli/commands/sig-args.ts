import path from 'node:path';
import { isManifestName } from '../../core/sign/manifest.js';

/**
 * `distseal sign dist/*` and `distseal verify dist/*` expand to the dists AND their existing
 * signatures. A FILE.asc / FILE.sig whose FILE is also named is a signature, not a dist: drop it
 * (so a second `sign dist/*` does not make FILE.asc.asc) and say so.
 */
export function dropSignaturesOfListed(files: string[]): { files: string[]; dropped: string[] } {
  const named = new Set(files);
  const dropped: string[] = [];
  const kept = files.filter((f) => {
    const m = /^(.*)\.(asc|sig)$/.exec(f);
    if (m && named.has(m[1]!)) {
      dropped.push(f);
      return false;
    }
    return true;
  });
  return { files: kept, dropped };
}

/**
 * `distseal check dist/*` after `sign dist/*` (and the manifest recipe) meets signatures and a
 * SHA256SUMS in the same glob. Like twine check, leave every `.asc`/`.sig` out, and the
 * manifest (SHA256SUMS) too: they are not dists (issue 15 item 1).
 */
export function dropReleaseCompanions(files: string[]): { files: string[]; dropped: string[] } {
  const dropped: string[] = [];
  const kept = files.filter((f) => {
    const base = path.basename(f);
    if (/\.(asc|sig)$/i.test(base) || isManifestName(base)) {
      dropped.push(f);
      return false;
    }
    return true;
  });
  return { files: kept, dropped };
}
