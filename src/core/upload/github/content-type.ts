/** The Content-Type GitHub stores for an asset (it serves the asset with it). */
export function assetContentType(name: string): string {
  const n = name.toLowerCase();
  if (n.endsWith('.asc')) return 'application/pgp-signature';
  if (n.endsWith('.whl') || n.endsWith('.zip')) return 'application/zip';
  if (n.endsWith('.tar.gz') || n.endsWith('.tgz')) return 'application/gzip';
  if (n.endsWith('.tar.bz2')) return 'application/x-bzip2';
  if (/^sha\d+sums$/.test(n)) return 'text/plain';
  return 'application/octet-stream';
}
