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
