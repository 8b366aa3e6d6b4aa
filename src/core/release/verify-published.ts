/**
 * Step 7 of a release: read back from every target what it now serves and compare it with the
 * local files (sha256 and size, the served bytes hashed as they stream), and verify every
 * signature the target serves against the signing key. Any difference fails the release
 * (exit 3) and names the file and the target.
 */
import { mkdtemp, rm, writeFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type * as openpgp from 'openpgp';
import { verifyChannel } from '../channel/verify.js';
import { sha256File } from '../io/hash.js';
import { fetchDigest } from '../net/fetch-digest.js';
import { GithubApi } from '../upload/github/api.js';
import { verifyFile } from '../verify/verify-file.js';
import { listIndexFiles } from './index-read.js';
import { distsFor, releaseAssets } from './publish.js';
import type { ReleasePlan } from './plan.js';
import type { SignStepResult } from './sign-step.js';
import type { ReleaseTarget, TargetOutcome, TargetVerification, VerifiedFile } from './types.js';

export interface VerifyPublishedOptions {
  plan: ReleasePlan;
  signed: SignStepResult;
  targets: ReleaseTarget[];
  outcomes: TargetOutcome[];
  publicKey: openpgp.PublicKey;
}

const MAX_SIGNATURE_BYTES = 64 * 1024;

export async function verifyPublished(options: VerifyPublishedOptions): Promise<TargetVerification[]> {
  const out: TargetVerification[] = [];
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'distseal-release-'));
  try {
    for (const [i, target] of options.targets.entries()) {
      const outcome = options.outcomes[i];
      if (!outcome?.ok) {
        out.push({ target: target.spec, ok: false, checked: false, note: 'not published', files: [] });
        continue;
      }
      out.push(await verifyOne(target, options, tmp));
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return out;
}

/** Verify a served signature over the local file (whose bytes equal the served ones). */
async function checkSignature(
  file: string,
  armored: Buffer,
  key: openpgp.PublicKey,
  tmp: string,
): Promise<'good' | 'bad'> {
  const sigFile = path.join(tmp, `${path.basename(file)}.${Math.random().toString(16).slice(2)}.asc`);
  await writeFile(sigFile, armored);
  const report = await verifyFile({ file, signatureFile: sigFile, keys: [key] });
  return report.verified ? 'good' : 'bad';
}

function compare(
  name: string,
  want: { sha256: string; size: number },
  got: { sha256?: string; size?: number },
): VerifiedFile {
  if (got.sha256 === undefined) return { name, ok: false, problem: 'not served' };
  if (got.sha256 !== want.sha256 || (got.size !== undefined && got.size !== want.size))
    return {
      name,
      ok: false,
      sha256: got.sha256,
      size: got.size,
      problem: `served bytes differ: sha256 ${got.sha256}${got.size !== undefined ? `, ${got.size} bytes` : ''} (local ${want.sha256}, ${want.size} bytes)`,
    };
  return { name, ok: true, sha256: got.sha256, size: got.size };
}

async function verifyOne(
  target: ReleaseTarget,
  o: VerifyPublishedOptions,
  tmp: string,
): Promise<TargetVerification> {
  const result: TargetVerification = { target: target.spec, ok: true, checked: true, files: [] };
  const dists = distsFor(target, o.plan);
  const key = o.publicKey;
  switch (target.kind) {
    case 'pypi': {
      if (!target.readUrl) {
        return {
          ...result,
          checked: false,
          note: 'the read URL of this index is unknown; pass --index-url to check it',
          files: [],
        };
      }
      const served = new Map<string, Awaited<ReturnType<typeof listIndexFiles>>[number]>();
      for (const project of new Set(dists.map((d) => d.name)))
        for (const f of await listIndexFiles(target.readUrl, project, { ca: target.tls?.ca }))
          served.set(f.filename, f);
      for (const d of dists) {
        const s = served.get(d.basename);
        if (!s) {
          result.files.push({ name: d.basename, ok: false, problem: `not listed on ${target.readUrl}` });
          continue;
        }
        const got = await fetchDigest(s.url, { maxBytes: d.size, ca: target.tls?.ca });
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
          });
          v.signature =
            sig.status === 200 && !sig.tooLarge ? await checkSignature(d.file, sig.body!, key, tmp) : 'bad';
        } else v.signature = 'not-served';
        result.files.push(v);
      }
      break;
    }
    case 'anaconda': {
      const outcome = o.outcomes.find((x) => x.target === target.spec);
      const token = await target.token();
      for (const d of dists) {
        const sub = outcome?.files.find((f) => f.file === d.file)?.url;
        const owner = target.owner ?? '';
        const subdir = sub ? new URL(sub).pathname.split('/').slice(-2, -1)[0] : undefined;
        const distUrl = `${target.apiUrl}/dist/${owner}/${d.name}/${d.version}/${subdir}/${d.basename}`;
        const info = await fetchDigest(distUrl, {
          maxBytes: 1 << 20,
          keepBody: true,
          headers: { authorization: `token ${token}` },
        });
        let got: { sha256?: string; size?: number } = {};
        if (info.status === 200) {
          const data = JSON.parse(info.body!.toString('utf8')) as { sha256?: string; size?: number };
          got = { sha256: data.sha256?.toLowerCase(), size: data.size };
        }
        const v = compare(d.basename, d, got);
        const sigUrl = `${target.apiUrl}/download/${owner}/${d.name}-signatures/${d.version}/${subdir}/${d.basename}.asc`;
        const sig = await fetchDigest(sigUrl, {
          maxBytes: MAX_SIGNATURE_BYTES,
          keepBody: true,
          headers: { authorization: `token ${token}` },
        }).catch(() => undefined);
        v.signature =
          sig?.status === 200 && !sig.tooLarge
            ? await checkSignature(d.file, sig.body!, key, tmp)
            : 'not-served';
        result.files.push(v);
      }
      break;
    }
    case 'prefix':
      return {
        ...result,
        checked: false,
        note: 'prefix.dev is not read back yet (it serves no signatures)',
        files: [],
      };
    case 'channel': {
      const report = await verifyChannel({ channel: target.dir, keys: [key] });
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
        if (!entry.ok)
          Object.assign(v, { ok: false, problem: entry.problems.map((p) => p.message).join('; ') });
        result.files.push(v);
      }
      for (const e of report.entries.filter((x) => x.kind === 'repodata' && !x.ok))
        result.files.push({ name: e.path, ok: false, problem: e.problems.map((p) => p.message).join('; ') });
      break;
    }
    case 'github': {
      const api = new GithubApi({
        apiUrl: target.apiUrl,
        token: await target.token(),
        owner: target.owner,
        repo: target.repo,
      });
      const release = await api.findRelease(target.tag);
      const assets = release ? await api.assets(release.id) : [];
      const local = await releaseAssets({ ...o.plan, files: dists }, o.signed);
      for (const a of local) {
        const there = assets.find((x) => x.name === a.name);
        if (!there) {
          result.files.push({
            name: a.name,
            ok: false,
            problem: `not an asset of ${target.owner}/${target.repo} ${target.tag}`,
          });
          continue;
        }
        const got = await fetchDigest(there.url, {
          maxBytes: a.size,
          headers: api.headers({ accept: 'application/octet-stream' }),
        });
        const v = compare(a.name, a, {
          sha256: got.status === 200 && !got.tooLarge ? got.sha256 : undefined,
          size: got.tooLarge ? undefined : got.size,
        });
        const sigAsset = assets.find((x) => x.name === `${a.name}.asc`);
        if (!a.name.endsWith('.asc') && sigAsset) {
          const sig = await fetchDigest(sigAsset.url, {
            maxBytes: MAX_SIGNATURE_BYTES,
            keepBody: true,
            headers: api.headers({ accept: 'application/octet-stream' }),
          });
          v.signature =
            sig.status === 200 && !sig.tooLarge ? await checkSignature(a.file, sig.body!, key, tmp) : 'bad';
        }
        result.files.push(v);
      }
      break;
    }
    case 'dir': {
      const local = await releaseAssets({ ...o.plan, files: dists }, o.signed);
      for (const a of local) {
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
            await verifyFile({ file: served, signatureFile: sig, keys: [key] }).catch(() => undefined)
          )?.verified
            ? 'good'
            : 'bad';
        }
        result.files.push(v);
      }
      break;
    }
  }
  result.ok = result.files.every((f) => f.ok && f.signature !== 'bad');
  return result;
}
