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
  /** `unchanged` when the manifest already listed exactly these files with these digests. */
  status: 'written' | 'unchanged';
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

/**
 * True for the names a checksum manifest goes by (SHA256SUMS, sha256sums.txt, and the like), so
 * that commands given `dist/*` can leave a manifest out of the dists.
 */
export function isManifestName(base: string): boolean {
  return /^sha(256|512)sums(\.txt)?$/i.test(base);
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
  // Running the recipe twice (`sign --manifest dist/SHA256SUMS dist/*`) names the manifest and its
  // signature among the files: they are left out by themselves, never listed (issue 15 item 3).
  const own = new Set([path.resolve(options.manifest), path.resolve(`${options.manifest}.asc`)]);
  const files = options.files.filter((f) => !own.has(path.resolve(f)));
  if (files.length < options.files.length)
    logger.debug(`${options.manifest} and its .asc are not listed in it`);
  if (files.length === 0) throw new UsageError('Name at least one file to list in the manifest.');
  const names = files.map((f) => manifestName(dir, f));
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new UsageError(`${dup} is named twice.`);
  const digests = await mapLimit(files, options.concurrency ?? DEFAULT_SIGN_CONCURRENCY, (f) =>
    sha256File(f, logger),
  );
  // Sorted by name, so the same files give the same manifest whatever order they were named in.
  const entries = files
    .map((file, i) => ({ file, name: names[i]!, sha256: digests[i]! }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const text = formatManifest(entries);
  const existing = await fs.readFile(options.manifest, 'utf8').catch(() => undefined);
  // The same list again is not a replacement: its signature is kept when it verifies for this key.
  const unchanged = existing === text;
  if (existing !== undefined && !unchanged && !options.force) {
    throw new InputError('E_MANIFEST_EXISTS', `${options.manifest} already exists and lists other files.`, {
      subject: options.manifest,
      hint: 'Pass --force to replace it (and its .asc).',
    });
  }
  if (!unchanged) await writeFileAtomic(options.manifest, text);
  const [signature] = await signFiles({
    files: [options.manifest],
    signingKey: options.signingKey,
    force: unchanged ? options.force : true,
    logger,
  });
  logger.debug(`${options.manifest}: ${entries.length} file(s) listed and signed`);
  return {
    manifest: options.manifest,
    status: unchanged ? 'unchanged' : 'written',
    entries,
    signature: signature!,
  };
}
