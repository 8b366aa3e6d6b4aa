/**
 * Publish files as the assets of a GitHub release: find the release by tag (drafts included) or
 * create it as a draft, refuse before sending anything when an asset of the same name holds
 * other bytes, skip assets already there with the same bytes, upload the rest (raw body,
 * `?name=`, the file's Content-Type and Content-Length), then publish the draft once every
 * asset is up. A rerun after a failure finds the draft and finishes it.
 */
import { createReadStream } from 'node:fs';
import { DistsealError, HttpError, InputError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { silentLogger } from '../../logger.js';
import { fetchDigest } from '../../net/fetch-digest.js';
import {
  GithubApi,
  githubError,
  type GithubApiOptions,
  type GithubAsset,
  type GithubRelease,
} from './api.js';
import { assetContentType } from './content-type.js';

export interface GithubFile {
  file: string;
  /** The asset name (the file's basename). */
  name: string;
  size: number;
  sha256: string;
}

export interface GithubPublishOptions extends GithubApiOptions {
  tag: string;
  /** The release title (default: the tag). */
  title?: string;
  files: GithubFile[];
  /** Leave the release a draft. */
  keepDraft?: boolean;
  dryRun?: boolean;
}

export type GithubAssetStatus = 'uploaded' | 'skipped' | 'would-upload' | 'replaced-broken';

export interface GithubPublishResult {
  release?: { id: number; url?: string; draft: boolean; created: boolean };
  assets: Array<{ name: string; file: string; status: GithubAssetStatus; size: number; sha256: string }>;
}

/** Hash an existing asset whose digest GitHub does not report (uploaded before digests existed). */
async function remoteSha256(api: GithubApi, asset: GithubAsset): Promise<string | undefined> {
  if (asset.digest?.startsWith('sha256:')) return asset.digest.slice(7).toLowerCase();
  const got = await fetchDigest(asset.url, {
    headers: api.headers({ accept: 'application/octet-stream' }),
    maxBytes: asset.size,
    proxy: api.proxy,
  });
  return got.status === 200 && !got.tooLarge ? got.sha256 : undefined;
}

export async function publishToGithub(options: GithubPublishOptions): Promise<GithubPublishResult> {
  const logger = options.logger ?? silentLogger;
  const api = new GithubApi(options);
  const where = `${options.owner}/${options.repo} ${options.tag}`;
  let release: GithubRelease | undefined = await api.findRelease(options.tag);
  const existing = release ? await api.assets(release.id) : [];
  const plan: Array<{ f: GithubFile; status: GithubAssetStatus; stale?: GithubAsset }> = [];
  // Every conflict is found before anything is sent.
  for (const f of options.files) {
    const there = existing.find((a) => a.name === f.name);
    if (!there) {
      plan.push({ f, status: 'uploaded' });
      continue;
    }
    if (there.state !== 'uploaded') {
      plan.push({ f, status: 'replaced-broken', stale: there }); // a broken earlier upload ("starter")
      continue;
    }
    const sha = there.size === f.size ? await remoteSha256(api, there) : undefined;
    if (sha !== f.sha256) {
      throw new InputError(
        'E_EXISTS_DIFFERENT',
        `The release ${where} already has an asset ${f.name} with other bytes (${there.size} bytes${sha ? `, sha256 ${sha}` : ''}).`,
        {
          subject: f.file,
          hint: 'A published file must not change. Release a new version, or delete that asset on GitHub if it was a mistake.',
        },
      );
    }
    plan.push({ f, status: 'skipped' });
  }
  const result: GithubPublishResult = { assets: [] };
  const entry = (f: GithubFile, status: GithubAssetStatus) => ({
    name: f.name,
    file: f.file,
    status,
    size: f.size,
    sha256: f.sha256,
  });
  if (options.dryRun) {
    result.release = release
      ? { id: release.id, url: release.html_url, draft: release.draft, created: false }
      : undefined;
    result.assets = plan.map((p) => entry(p.f, p.status === 'skipped' ? 'skipped' : 'would-upload'));
    return result;
  }
  let created = false;
  if (!release) {
    release = await api.createDraft(options.tag, options.title ?? options.tag);
    created = true;
    logger.info(`Created the draft release ${where}.`);
  }
  const uploadBase = release.upload_url.replace(/\{.*\}$/, '');
  for (const p of plan) {
    if (p.status === 'skipped') {
      logger.info(`Skipping ${p.f.name}: ${where} already has it with the same sha256.`);
      result.assets.push(entry(p.f, 'skipped'));
      continue;
    }
    if (p.stale) await api.deleteAsset(p.stale.id);
    await uploadAsset(api, uploadBase, p.f, logger);
    result.assets.push(entry(p.f, p.status));
  }
  if (release.draft && !options.keepDraft) {
    release = await api.publish(release.id);
    logger.info(`Published the release ${where}.`);
  }
  result.release = { id: release.id, url: release.html_url, draft: release.draft, created };
  return result;
}

async function uploadAsset(api: GithubApi, uploadBase: string, f: GithubFile, logger: Logger): Promise<void> {
  const url = `${uploadBase}?name=${encodeURIComponent(f.name)}`;
  logger.info(`Uploading ${f.name} to ${uploadBase}`);
  let res;
  try {
    res = await api.call('POST', url, undefined, {
      headers: { 'content-type': assetContentType(f.name), 'content-length': String(f.size) },
      stream: () => createReadStream(f.file),
      timeoutMs: 300_000,
    });
  } catch (error) {
    if (error instanceof DistsealError) throw error;
    throw new HttpError('E_UPLOAD', `Upload of ${f.name} to GitHub failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (res.status !== 201) throw githubError(res, `the upload of ${f.name}`);
  try {
    const asset = JSON.parse(res.body) as GithubAsset;
    if (asset.size !== f.size)
      throw new HttpError('E_UPLOAD', `GitHub stored ${asset.size} bytes for ${f.name}, not ${f.size}.`, {
        hint: 'Run the release again: it replaces the damaged asset.',
      });
  } catch (error) {
    if (error instanceof DistsealError) throw error;
  }
}
