import { promises as fs } from 'node:fs';
import path from 'node:path';
import { errnoCode, InputError } from '../errors.js';
import { readFileBounded } from '../io/bounded-read.js';
import { sha256File } from '../io/hash.js';
import { MAX_MANIFEST_BYTES } from '../limits.js';
import { pinsForFile } from './pins.js';
import { verifyFile, type VerifyFileOptions, type VerifyReport } from './verify-file.js';

export interface ManifestEntryResult {
  name: string;
  file: string;
  status: 'ok' | 'mismatch' | 'missing' | 'not-listed' | 'unsafe-name' | 'not-pinned' | 'unknown-project';
  expected?: string;
  actual?: string;
  message?: string;
}

export interface ManifestVerifyReport {
  manifest: VerifyReport;
  entries: ManifestEntryResult[];
  verified: boolean;
}

export interface ManifestVerifyOptions extends Omit<VerifyFileOptions, 'file'> {
  manifest: string;
  /** Check only these files (each must be listed); default: every listed file. */
  files?: string[];
}

/** Parse coreutils `sha256sum` output: `<64 hex>  name` or `<64 hex> *name`; blank lines ignored. */
export function parseManifest(text: string, source: string): Array<{ name: string; sha256: string }> {
  const entries: Array<{ name: string; sha256: string }> = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') continue;
    const m = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line);
    if (!m)
      throw new InputError(
        'E_MANIFEST_MALFORMED',
        `${source}, line ${i + 1}, is not a "<sha256>  <name>" line.`,
        { subject: source, hint: 'Use a SHA256SUMS written by `distseal sign --manifest` or `sha256sum`.' },
      );
    entries.push({ sha256: m[1]!.toLowerCase(), name: m[2]! });
  }
  return entries;
}

/** A listed name that could reach outside the manifest's directory is refused, never opened. */
export function unsafeManifestName(name: string): boolean {
  return (
    path.isAbsolute(name) ||
    name.split(/[\\/]/).includes('..') ||
    /^[A-Za-z]:/.test(name) ||
    name.includes('\0')
  );
}

/**
 * `verify --manifest`: verify the manifest's signature (fail-closed, like any file), then the
 * SHA-256 of each listed file (or of `files`, each of which must be listed). A listed file that
 * is missing, a mismatch, a given file not listed, or an unsafe name fails. When the trust policy
 * pins a listed file's project, a good manifest signer must be among the pins.
 */
export async function verifyManifest(options: ManifestVerifyOptions): Promise<ManifestVerifyReport> {
  const manifest = await verifyFile({
    ...options,
    file: options.manifest,
    signatureFile: options.signatureFile,
    // The manifest lists many projects: their pins apply to each entry below.
    policy: undefined,
  });
  const result: ManifestVerifyReport = { manifest, entries: [], verified: false };
  if (!manifest.verified) return result;
  let text: string;
  try {
    const stat = await fs.stat(options.manifest);
    if (stat.size > MAX_MANIFEST_BYTES)
      throw new InputError(
        'E_MANIFEST_MALFORMED',
        `${options.manifest} is larger than ${MAX_MANIFEST_BYTES >> 20} MiB.`,
        { subject: options.manifest },
      );
    // Bounded while read too: the file may grow after the stat.
    text = (
      await readFileBounded(options.manifest, MAX_MANIFEST_BYTES, 'the manifest limit, 16 MiB')
    ).toString('utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError('E_NOT_FOUND', `Cannot read ${options.manifest}: ${(error as Error).message}`, {
      subject: options.manifest,
    });
  }
  const listed = parseManifest(text, options.manifest);
  const dir = path.dirname(options.manifest);
  const goodSigners = manifest.signatures
    .filter((s) => s.verdict === 'good')
    .map((s) => s.primaryFingerprint!);
  const byName = new Map(listed.map((e) => [e.name, e]));
  const wanted = options.files
    ? options.files.map((f) => ({
        file: f,
        name: path.relative(path.resolve(dir), path.resolve(f)).split(path.sep).join('/'),
      }))
    : listed.map((e) => ({ file: path.join(dir, e.name), name: e.name }));
  for (const w of wanted) {
    const entry = byName.get(w.name);
    if (!entry) {
      result.entries.push({
        ...w,
        status: 'not-listed',
        message: `${w.file} is not listed in ${options.manifest}`,
      });
      continue;
    }
    if (unsafeManifestName(entry.name)) {
      result.entries.push({
        ...w,
        status: 'unsafe-name',
        message: `the manifest lists "${entry.name}", a path outside its directory; refused`,
      });
      continue;
    }
    const { pinned: pins, unknown } = pinsForFile(options.policy, path.basename(entry.name));
    if (unknown) {
      result.entries.push({
        ...w,
        status: 'unknown-project',
        expected: entry.sha256,
        message: unknown.message,
      });
      continue;
    }
    if (pins && !goodSigners.some((f) => pins.fingerprints.includes(f))) {
      result.entries.push({
        ...w,
        status: 'not-pinned',
        expected: entry.sha256,
        message: `the manifest's signer is not among the keys the trust policy allows for ${pins.spec}`,
      });
      continue;
    }
    let actual: string;
    try {
      actual = await sha256File(w.file, options.logger);
    } catch (error) {
      if (error instanceof InputError && error.code === 'E_NOT_FOUND') {
        result.entries.push({
          ...w,
          status: 'missing',
          expected: entry.sha256,
          message: `${w.file} is listed but missing`,
        });
        continue;
      }
      if (errnoCode(error) === 'ENOENT') continue;
      throw error;
    }
    result.entries.push({
      ...w,
      status: actual === entry.sha256 ? 'ok' : 'mismatch',
      expected: entry.sha256,
      actual,
      ...(actual === entry.sha256
        ? {}
        : { message: `${w.file} does not match the manifest (expected ${entry.sha256}, got ${actual})` }),
    });
  }
  result.verified = result.entries.length > 0 && result.entries.every((e) => e.status === 'ok');
  return result;
}
