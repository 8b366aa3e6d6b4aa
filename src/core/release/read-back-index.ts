/** Read back a PyPI-compatible index: its simple page (PEP 691 JSON or PEP 503 HTML), each file, each .asc. */
import { fetchDigest } from '../net/fetch-digest.js';
import { mapLimit } from '../io/limit.js';
import { listProjects, READ_BACK_CONCURRENCY, type IndexFile } from './index-read.js';
import type { PlanFile } from './plan.js';
import { checkSignature, compare, MAX_SIGNATURE_BYTES, type ReadBack } from './read-back-common.js';
import type { ReleaseTarget, TargetVerification, VerifiedFile } from './types.js';

type IndexTarget = Extract<ReleaseTarget, { kind: 'pypi' }>;

export async function readBackIndex(
  target: IndexTarget,
  dists: PlanFile[],
  o: ReadBack,
  result: TargetVerification,
): Promise<TargetVerification> {
  if (!target.readUrl)
    return {
      ...result,
      checked: false,
      note: 'the read URL of this index is unknown; pass --index-url to check it',
      files: [],
    };
  const readUrl = target.readUrl;
  const served = new Map<string, IndexFile>();
  for (const f of await listProjects(readUrl, dists, { ca: target.tls?.ca, proxy: o.proxy }))
    served.set(f.filename, f);
  // A few files at a time: each is a round trip to the index (order kept for the receipt).
  result.files = await mapLimit(dists, READ_BACK_CONCURRENCY, async (d): Promise<VerifiedFile> => {
    const s = served.get(d.basename);
    if (!s) return { name: d.basename, ok: false, problem: `not listed on ${readUrl}` };
    const got = await fetchDigest(s.url, { maxBytes: d.size, ca: target.tls?.ca, proxy: o.proxy });
    const v = compare(d.basename, d, {
      sha256: got.status === 200 && !got.tooLarge ? got.sha256 : undefined,
      size: got.tooLarge ? undefined : got.size,
    });
    if (v.ok && s.sha256 && s.sha256 !== d.sha256)
      Object.assign(v, { ok: false, problem: `the index lists sha256 ${s.sha256}` });
    if (s.hasSignature) {
      const sig = await fetchDigest(`${s.url}.asc`, {
        maxBytes: MAX_SIGNATURE_BYTES,
        keepBody: true,
        ca: target.tls?.ca,
        proxy: o.proxy,
      });
      v.signature =
        sig.status === 200 && !sig.tooLarge
          ? await checkSignature(d.file, sig.body!, o.publicKey, o.tmp)
          : 'bad';
    } else v.signature = 'not-served';
    return v;
  });
  return result;
}
