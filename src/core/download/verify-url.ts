import { chmod, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { ensureDir, syncDir, wrapFsError } from '../io/atomic.js';
import { silentLogger } from '../logger.js';
import { fetchAndVerify, type FetchedResult, type TrustInputs } from './fetch-verified.js';
import type { FetchOptions } from './open-url.js';
import { isSafeFilename } from './select.js';
import { STAGE_PREFIX, type Stage } from './stage.js';

export interface VerifyUrlOptions extends TrustInputs {
  urls: string[];
  /** The signature's URL (or a local file), for a single URL; default URL.asc. */
  signature?: string;
  /** Keep the verified file here (a single URL only). Without it nothing is kept. */
  output?: string;
  fetch?: FetchOptions;
}

export interface UrlVerifyReport {
  ok: boolean;
  results: Array<FetchedResult & { output?: string }>;
}

/** The file name a URL names (its last path segment), which decides the project for the pins. */
export function filenameOfUrl(url: string): string {
  let name: string;
  try {
    name = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  } catch {
    name = '';
  }
  if (!isSafeFilename(name))
    throw new UsageError(`${url} does not end in a file name.`, { hint: 'Give the URL of the file itself.' });
  return name;
}

/** A stage in `dir` whose files are only ever removed, never landed (landing is done by the caller). */
async function tempStage(dir: string): Promise<Stage> {
  await ensureDir(dir, 0o755);
  const stageDir = await mkdtemp(path.join(dir, STAGE_PREFIX)).catch((error: unknown) => {
    throw wrapFsError(error, dir, 'write into');
  });
  return {
    dir: stageDir,
    dest: dir,
    path: (name) => path.join(stageDir, name),
    land: async () => [],
    discard: () => rm(stageDir, { recursive: true, force: true }),
  };
}

/**
 * `distseal verify URL...`: fetch each file and URL.asc (or `signature`) into a private stage,
 * verify, and keep the file at `output` only when it verified. The stage is in `output`'s
 * directory (one rename), else in the system temp directory, and is always removed.
 */
export async function verifyUrls(options: VerifyUrlOptions): Promise<UrlVerifyReport> {
  const logger = options.logger ?? silentLogger;
  if ((options.output || options.signature) && options.urls.length !== 1)
    throw new UsageError('--output and --signature go with a single URL.');
  const fetchOptions: FetchOptions = { logger, ...(options.fetch ?? {}) };
  const stage = await tempStage(options.output ? path.dirname(options.output) : os.tmpdir());
  try {
    const results: UrlVerifyReport['results'] = [];
    for (const url of options.urls) {
      const filename = filenameOfUrl(url);
      const remoteSig = !options.signature || /^https?:\/\//i.test(options.signature);
      const signatureUrl = remoteSig ? (options.signature ?? `${url}.asc`) : undefined;
      // A local --signature file is read here (bounded by verifyFile's own limit when parsed).
      const signatureBytes = remoteSig
        ? undefined
        : await readFile(options.signature!).catch((error: unknown) => {
            throw wrapFsError(error, options.signature!, 'read the signature');
          });
      results.push(
        await fetchAndVerify(
          {
            filename,
            url,
            signatureUrl,
            signatureBytes,
            noSignature: `no signature at ${signatureUrl}`,
            noSignatureHint: 'Name the signature with --signature URL.',
          },
          stage,
          { ...options, logger },
          fetchOptions,
        ),
      );
    }
    const ok = results.every((r) => r.verified);
    if (ok && options.output) {
      const staged = stage.path(results[0]!.filename);
      try {
        await chmod(staged, 0o644);
        await rename(staged, options.output);
      } catch (error) {
        throw wrapFsError(error, options.output, 'write');
      }
      await syncDir(path.dirname(options.output));
      results[0]!.output = options.output;
    }
    return { ok, results };
  } finally {
    await stage.discard();
  }
}
