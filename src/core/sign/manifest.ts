import { promises as fs } from 'node:fs';
import path from 'node:path';
import type * as openpgp from 'openpgp';
import { InputError, UsageError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { silentLogger, type Logger } from '../logger.js';
import { signFiles, type SignResult } from './sign-files.js';
import { DEFAULT_SIGN_CONCURRENCY, mapLimit } from '../io/limit.js';
import { sha256File } from '../io/hash.js';

export interface ManifestOptions {
  /** The manifest to write, e.g. dist/SHA256SUMS; names inside are relative to its directory. */
  manifest: string;
  files: string[];
  signingKey: openpgp.PrivateKey;
  force?: boolean;
  concurrency?: number;
  logger?: Logger;
}

export interface ManifestResult {
  manifest: string;
  entries: Array<{ name: string; sha256: string; file: string }>;
  signature: SignResult;
}

/**
 * The name of `file` inside a manifest in `dir`: relative, with forward slashes. Refuses files
 * outside the directory and names coreutils would have to escape (newline, backslash), so that
 * `sha256sum -c` run in that directory reads every line as written.
 */
export function manifestName(dir: string, file: string): string {
  const rel = path.relative(path.resolve(dir), path.resolve(file));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new UsageError(`${file} is not inside ${dir}, the manifest's directory.`, {
      hint: 'Put the manifest in the directory that holds the files (e.g. --manifest dist/SHA256SUMS).',
    });
  }
  const name = rel.split(path.sep).join('/');
  if (/[\n\r\\]/.test(name))
    throw new UsageError(`${file}: names with newlines or backslashes cannot go in a SHA256SUMS manifest.`);
  return name;
}

/** coreutils format: `<hex>  <name>` (two spaces: binary-safe text mode), one per line. */
export function formatManifest(entries: Array<{ name: string; sha256: string }>): string {
  return entries.map((e) => `${e.sha256}  ${e.name}\n`).join('');
}

/**
 * Write a coreutils-format SHA256SUMS of `files` (hashed concurrently) atomically, then its
 * detached signature MANIFEST.asc. An existing manifest is replaced only with `force`.
 */
export async function writeManifest(options: ManifestOptions): Promise<ManifestResult> {
  const logger = options.logger ?? silentLogger;
  const dir = path.dirname(options.manifest);
  const names = options.files.map((f) => manifestName(dir, f));
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new UsageError(`${dup} is named twice.`);
  if (names.includes(path.basename(options.manifest)))
    throw new UsageError('The manifest cannot list itself.');
  if (
    !options.force &&
    (await fs.lstat(options.manifest).then(
      () => true,
      () => false,
    ))
  ) {
    throw new InputError('E_MANIFEST_EXISTS', `${options.manifest} already exists.`, {
      subject: options.manifest,
      hint: 'Pass --force to replace it (and its .asc).',
    });
  }
  const digests = await mapLimit(options.files, options.concurrency ?? DEFAULT_SIGN_CONCURRENCY, (f) =>
    sha256File(f, logger),
  );
  const entries = options.files.map((file, i) => ({ file, name: names[i]!, sha256: digests[i]! }));
  await writeFileAtomic(options.manifest, formatManifest(entries));
  const [signature] = await signFiles({
    files: [options.manifest],
    signingKey: options.signingKey,
    force: true,
    logger,
  });
  logger.debug(`${options.manifest}: ${entries.length} file(s) listed and signed`);
  return { manifest: options.manifest, entries, signature: signature! };
}
