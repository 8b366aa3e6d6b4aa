/**
 * Crafted bad Python dists, made at test time with Debian's python3 (zipfile, tarfile) so the
 * repository holds no bombs: each function writes one file into `dir` and returns its path.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { peerTest } from './peers.js';

const PY = '/usr/bin/python3';

/** Register tests that make dists with these helpers: skipped visibly (or failing in CI) without python3. */
export const withPython = peerTest([PY]);

const SCRIPT = String.raw`
import io, sys, tarfile, zipfile, json
kind, out, spec = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
if kind == 'zip':
    with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, data in spec['members']:
            if isinstance(data, dict):
                data = data['fill'] * data['count']
            z.writestr(name, data)
elif kind == 'tar':
    with tarfile.open(out, 'w:gz', format=tarfile.PAX_FORMAT) as t:
        for name, data in spec['members']:
            b = data.encode()
            info = tarfile.TarInfo(name); info.size = len(b); info.mtime = 1700000000
            t.addfile(info, io.BytesIO(b))
`;

export type Members = Array<[string, string | { fill: string; count: number }]>;

/** A zip (wheel or .zip sdist) with the given members. */
export function makeZip(dir: string, name: string, members: Members): string {
  const out = path.join(dir, name);
  execFileSync(PY, ['-c', SCRIPT, 'zip', out, JSON.stringify({ members })]);
  return out;
}

/** A .tar.gz (pax) with the given regular-file members. */
export function makeTarGz(dir: string, name: string, members: Array<[string, string]>): string {
  const out = path.join(dir, name);
  execFileSync(PY, ['-c', SCRIPT, 'tar', out, JSON.stringify({ members })]);
  return out;
}

/** Core metadata text. */
export function metadataText(fields: Record<string, string | string[]>, body = ''): string {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(fields))
    for (const one of Array.isArray(v) ? v : [v]) lines.push(`${k}: ${one}`);
  return `${lines.join('\n')}\n\n${body}`;
}

/** A minimal valid wheel for `name`/`version` with extra members. */
export function makeWheel(
  dir: string,
  name: string,
  version: string,
  extra: Members = [],
  fields: Record<string, string | string[]> = {},
): string {
  const meta = metadataText(
    {
      'Metadata-Version': '2.1',
      Name: name,
      Version: version,
      Summary: 's',
      'Description-Content-Type': 'text/markdown',
      ...fields,
    },
    '# readme\n',
  );
  return makeZip(dir, `${name.replace(/-/g, '_')}-${version}-py3-none-any.whl`, [
    [`${name.replace(/-/g, '_')}-${version}.dist-info/METADATA`, meta],
    [`${name.replace(/-/g, '_')}-${version}.dist-info/WHEEL`, 'Wheel-Version: 1.0\n'],
    ...extra,
  ]);
}
