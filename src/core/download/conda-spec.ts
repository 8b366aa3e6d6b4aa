/** `conda:NAME[==VERSION]` and the repodata record it picks. */
import type { Repodata, RepodataRecord } from '../channel/repodata.js';
import { UsageError } from '../errors.js';
import { normalizeCondaName } from '../names.js';
import { isSafeFilename } from './select.js';

export interface Wanted {
  spec: string;
  name: string;
  version?: string;
}

/** Parse `conda:NAME[==VERSION]` (also a single `=`, as conda writes it). */
export function parseCondaSpec(spec: string): Wanted {
  const m = /^conda:([a-z0-9_][a-z0-9._-]*)(?:={1,2}([0-9A-Za-z._+!]+))?$/i.exec(spec.trim());
  if (!m)
    throw new UsageError(`"${spec}" is not conda:NAME or conda:NAME==VERSION.`, {
      hint: 'Example: distseal download conda:numpy==2.1.0 --channel URL',
    });
  return { spec: spec.trim(), name: normalizeCondaName(m[1]!), version: m[2] };
}

/** The newest matching record: latest timestamp, then .conda over .tar.bz2, then name order. */
export function pickRecord(
  repodata: Repodata,
  want: Wanted,
): { fn: string; record: RepodataRecord } | undefined {
  const candidates = (['packages.conda', 'packages'] as const).flatMap((section) =>
    Object.entries(repodata[section])
      .filter(([fn, r]) => isSafeFilename(fn) && normalizeCondaName(String(r.name)) === want.name)
      .filter(([, r]) => want.version === undefined || String(r.version) === want.version)
      .map(([fn, record]) => ({ fn, record })),
  );
  const ts = (r: RepodataRecord) => (typeof r.timestamp === 'number' ? r.timestamp : 0);
  candidates.sort(
    (a, b) =>
      ts(b.record) - ts(a.record) ||
      Number(b.fn.endsWith('.conda')) - Number(a.fn.endsWith('.conda')) ||
      b.fn.localeCompare(a.fn),
  );
  return candidates[0];
}
