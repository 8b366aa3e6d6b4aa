/** Read back release assets: a GitHub release's asset list and bytes, or a directory's files. */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { sha256File } from '../io/hash.js';
import { fetchDigest } from '../net/fetch-digest.js';
import { GithubApi } from '../upload/github/api.js';
import { verifyFile } from '../verify/verify-file.js';
import { releaseAssets } from './assets.js';
import type { PlanFile } from './plan.js';
import { checkSignature, compare, MAX_SIGNATURE_BYTES, type ReadBack } from './read-back-common.js';
import type { ReleaseTarget, TargetVerification } from './types.js';

type Target<K extends ReleaseTarget['kind']> = Extract<ReleaseTarget, { kind: K }>;

export async function readBackGithub(
  target: Target<'github'>,
  dists: PlanFile[],
  o: ReadBack,
  result: TargetVerification,
): Promise<TargetVerification> {
  const api = new GithubApi({
    apiUrl: target.apiUrl,
    token: await target.token(),
    owner: target.owner,
    repo: target.repo,
    proxy: o.proxy,
  });
  const release = await api.findRelease(target.tag);
  const assets = release ? await api.assets(release.id) : [];
  const octets = api.headers({ accept: 'application/octet-stream' });
  for (const a of await releaseAssets({ ...o.plan, files: dists }, o.signed)) {
    const there = assets.find((x) => x.name === a.name);
    if (!there) {
      result.files.push({
        name: a.name,
        ok: false,
        problem: `not an asset of ${target.owner}/${target.repo} ${target.tag}`,
      });
      continue;
    }
    const got = await fetchDigest(there.url, { maxBytes: a.size, headers: octets, proxy: o.proxy });
    const v = compare(a.name, a, {
      sha256: got.status === 200 && !got.tooLarge ? got.sha256 : undefined,
      size: got.tooLarge ? undefined : got.size,
    });
    const sigAsset = assets.find((x) => x.name === `${a.name}.asc`);
    if (!a.name.endsWith('.asc') && sigAsset) {
      const sig = await fetchDigest(sigAsset.url, {
        maxBytes: MAX_SIGNATURE_BYTES,
        keepBody: true,
        headers: octets,
        proxy: o.proxy,
      });
      v.signature =
        sig.status === 200 && !sig.tooLarge
          ? await checkSignature(a.file, sig.body!, o.publicKey, o.tmp)
          : 'bad';
    }
    result.files.push(v);
  }
  return result;
}

export async function readBackDir(
  target: Target<'dir'>,
  dists: PlanFile[],
  o: ReadBack,
  result: TargetVerification,
): Promise<TargetVerification> {
  for (const a of await releaseAssets({ ...o.plan, files: dists }, o.signed)) {
    const served = path.join(target.dir, a.name);
    const size = await stat(served).then(
      (s) => s.size,
      () => undefined,
    );
    const v = compare(a.name, a, {
      sha256: size === undefined ? undefined : await sha256File(served),
      size,
    });
    if (!a.name.endsWith('.asc') && v.ok) {
      const sig = path.join(target.dir, `${a.name}.asc`);
      v.signature = (
        await verifyFile({ file: served, signatureFile: sig, keys: [o.publicKey] }).catch(() => undefined)
      )?.verified
        ? 'good'
        : 'bad';
    }
    result.files.push(v);
  }
  return result;
}
