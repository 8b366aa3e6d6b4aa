/** Read back conda targets: anaconda.org's file records, prefix.dev's repodata, a file channel. */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { verifyChannel } from '../channel/verify.js';
import { HttpError } from '../errors.js';
import { sha256File } from '../io/hash.js';
import { fetchDigest } from '../net/fetch-digest.js';
import { maskUrl } from '../net/http.js';
import { signaturePackageName } from '../upload/conda/artifacts.js';
import type { ProxyConfig } from '../net/proxy.js';
import type { PlanFile } from './plan.js';
import { checkSignature, compare, MAX_SIGNATURE_BYTES, type ReadBack } from './read-back-common.js';
import type { ReleaseTarget, TargetVerification } from './types.js';

type Target<K extends ReleaseTarget['kind']> = Extract<ReleaseTarget, { kind: K }>;

/** A channel's repodata.json is read whole; a personal channel's is far below this. */
export const MAX_REPODATA_BYTES = 64 * 1024 * 1024;

export async function readBackAnaconda(
  target: Target<'anaconda'>,
  dists: PlanFile[],
  o: ReadBack,
  result: TargetVerification,
): Promise<TargetVerification> {
  const outcome = o.outcomes.find((x) => x.target === target.spec);
  const token = await target.token();
  const headers = { authorization: `token ${token}` };
  for (const d of dists) {
    const sub = outcome?.files.find((f) => f.file === d.file)?.url;
    const owner = target.owner ?? '';
    const subdir = sub ? new URL(sub).pathname.split('/').slice(-2, -1)[0] : undefined;
    const distUrl = `${target.apiUrl}/dist/${owner}/${d.name}/${d.version}/${subdir}/${d.basename}`;
    const info = await fetchDigest(distUrl, { maxBytes: 1 << 20, keepBody: true, headers, proxy: o.proxy });
    let got: { sha256?: string; size?: number } = {};
    if (info.status === 200) {
      const data = JSON.parse(info.body!.toString('utf8')) as { sha256?: string; size?: number };
      got = { sha256: data.sha256?.toLowerCase(), size: data.size };
    }
    const v = compare(d.basename, d, got);
    // Where the uploader puts it: the `<name>-signatures` package, as a file without a subdir.
    const sigUrl = `${target.apiUrl}/download/${owner}/${signaturePackageName(d.name)}/${d.version}/${d.basename}.asc`;
    const sig = await fetchDigest(sigUrl, {
      maxBytes: MAX_SIGNATURE_BYTES,
      keepBody: true,
      headers,
      proxy: o.proxy,
    }).catch(() => undefined);
    v.signature =
      sig?.status === 200 && !sig.tooLarge
        ? await checkSignature(d.file, sig.body!, o.publicKey, o.tmp)
        : 'not-served';
    result.files.push(v);
  }
  return result;
}

type Record_ = { sha256?: unknown; size?: unknown };

/** The records of one subdir's repodata.json by file name; empty when the subdir is not there (404). */
async function repodataRecords(url: string, proxy?: ProxyConfig): Promise<Map<string, Record_>> {
  const res = await fetchDigest(url, { maxBytes: MAX_REPODATA_BYTES, keepBody: true, proxy });
  if (res.status === 404) return new Map();
  if (res.status !== 200 || res.tooLarge)
    throw new HttpError(
      'E_INDEX_READ',
      `Could not read ${maskUrl(url)} (${res.tooLarge ? 'larger than 64 MiB' : res.status}).`,
      { status: res.status, hint: 'Check --prefix-repo-url, or run the release again to read it back.' },
    );
  let doc: { packages?: Record<string, Record_>; 'packages.conda'?: Record<string, Record_> };
  try {
    doc = JSON.parse(res.body!.toString('utf8')) as typeof doc;
  } catch {
    throw new HttpError('E_INDEX_READ', `${maskUrl(url)} is not JSON.`, { status: res.status });
  }
  const records = new Map<string, Record_>();
  for (const group of [doc.packages, doc['packages.conda']])
    if (group && typeof group === 'object')
      for (const [name, record] of Object.entries(group)) if (record) records.set(name, record);
  return records;
}

/**
 * prefix.dev serves each channel's repodata at `<repo>/<channel>/<subdir>/repodata.json`
 * (https://repo.prefix.dev by default): every published package must be listed there with the
 * local sha256 and size. prefix.dev serves no signatures.
 */
export async function readBackPrefix(
  target: Target<'prefix'>,
  dists: PlanFile[],
  result: TargetVerification,
  proxy?: ProxyConfig,
): Promise<TargetVerification> {
  if (!target.readUrl)
    return {
      ...result,
      checked: false,
      note: 'the repodata URL of this server is unknown; pass --prefix-repo-url to check it',
      files: [],
    };
  const base = `${target.readUrl.replace(/\/+$/, '')}/${encodeURIComponent(target.channel)}`;
  const bySubdir = new Map<string, Promise<Map<string, Record_>>>();
  for (const d of dists) {
    const subdir = d.subdir ?? 'noarch';
    const url = `${base}/${subdir}/repodata.json`;
    if (!bySubdir.has(subdir)) bySubdir.set(subdir, repodataRecords(url, proxy));
    const record = (await bySubdir.get(subdir)!).get(d.basename);
    if (!record) {
      result.files.push({ name: d.basename, ok: false, problem: `not listed in ${maskUrl(url)}` });
      continue;
    }
    const v = compare(d.basename, d, {
      sha256: typeof record.sha256 === 'string' ? record.sha256.toLowerCase() : undefined,
      size: typeof record.size === 'number' ? record.size : undefined,
    });
    if (v.problem === 'not served') v.problem = `listed in ${maskUrl(url)} without a sha256`;
    else if (!v.ok)
      v.problem = `${maskUrl(url)} lists other bytes: ${v.problem!.replace(/^served bytes differ: /, '')}`;
    v.signature = 'not-served';
    result.files.push(v);
  }
  return result;
}

export async function readBackChannel(
  target: Target<'channel'>,
  dists: PlanFile[],
  o: ReadBack,
  result: TargetVerification,
): Promise<TargetVerification> {
  const report = await verifyChannel({ channel: target.dir, keys: [o.publicKey] });
  for (const d of dists) {
    const entry = report.entries.find((e) => e.kind === 'package' && e.path.endsWith(`/${d.basename}`));
    if (!entry) {
      result.files.push({ name: d.basename, ok: false, problem: `not in ${target.dir}` });
      continue;
    }
    const served = path.join(target.dir, entry.path);
    const size = (await stat(served)).size;
    const v = compare(d.basename, d, { sha256: await sha256File(served), size });
    v.signature = entry.signature?.verified ? 'good' : 'bad';
    if (!entry.ok) Object.assign(v, { ok: false, problem: entry.problems.map((p) => p.message).join('; ') });
    result.files.push(v);
  }
  for (const e of report.entries.filter((x) => x.kind === 'repodata' && !x.ok))
    result.files.push({ name: e.path, ok: false, problem: e.problems.map((p) => p.message).join('; ') });
  return result;
}
