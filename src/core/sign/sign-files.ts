import { promises as fs } from 'node:fs';
import path from 'node:path';
import type * as openpgp from 'openpgp';
import { InputError, UsageError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { silentLogger, type Logger } from '../logger.js';
import { verifyFile } from '../verify/verify-file.js';
import { selectSigningKey, signFileDetailed } from './detached.js';
import { openRegularFile } from '../io/file-stream.js';
import { DEFAULT_SIGN_CONCURRENCY, mapLimit } from '../io/limit.js';

export interface SignFilesOptions {
  files: string[];
  /** A decrypted private key; the newest valid signing subkey with its secret present signs. */
  signingKey: openpgp.PrivateKey;
  /** Write FILE.asc here instead of beside FILE. */
  outputDir?: string;
  /** Replace an existing FILE.asc that does not verify for this key. */
  force?: boolean;
  /** Files hashed at once (default DEFAULT_SIGN_CONCURRENCY). */
  concurrency?: number;
  logger?: Logger;
}

export interface SignResult {
  file: string;
  signatureFile: string;
  status: 'signed' | 'already-signed';
  primaryFingerprint: string;
  signingKeyFingerprint: string;
  hashAlgorithm: string;
  /** ISO 8601 UTC signature time (of the existing signature when already-signed). */
  created: string;
}

/** Where the signature of `file` goes. */
export function signaturePathFor(file: string, outputDir?: string): string {
  return path.join(outputDir ?? path.dirname(file), `${path.basename(file)}.asc`);
}

/**
 * Sign many files with one (already unlocked) key: checks every input and every existing `.asc`
 * first (so nothing is written when one would be refused), then hashes files concurrently and
 * writes each `FILE.asc` atomically. An existing `.asc` that verifies for this key is left alone
 * (`already-signed`); any other existing `.asc` is refused unless `force`.
 */
export async function signFiles(options: SignFilesOptions): Promise<SignResult[]> {
  const logger = options.logger ?? silentLogger;
  if (options.files.length === 0) throw new UsageError('Name at least one file to sign.');
  const concurrency = options.concurrency ?? DEFAULT_SIGN_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new UsageError('concurrency must be a whole number of at least 1.');
  const subkey = await selectSigningKey(options.signingKey); // fail early (locked, no secret) before touching files
  const primaryFingerprint = options.signingKey.getFingerprint().toUpperCase();
  if (options.outputDir) await checkOutputDir(options.outputDir);
  const targets = options.files.map((file) => ({
    file,
    signatureFile: signaturePathFor(file, options.outputDir),
  }));
  const seen = new Map<string, string>();
  for (const t of targets) {
    const prior = seen.get(path.resolve(t.signatureFile));
    if (prior)
      throw new UsageError(`${t.file} and ${prior} would both be signed into ${t.signatureFile}.`, {
        hint: 'Sign them into different --output-dir directories.',
      });
    seen.set(path.resolve(t.signatureFile), t.file);
  }

  const publicKey = options.signingKey.toPublic();
  const existing = await mapLimit(targets, concurrency, async (t): Promise<SignResult | undefined> => {
    const { handle } = await openRegularFile(t.file);
    await handle.close();
    const stat = await fs.lstat(t.signatureFile).catch(() => undefined);
    if (!stat) return undefined;
    const check = await verifyFile({ file: t.file, signatureFile: t.signatureFile, keys: [publicKey] });
    const mine = check.signatures.find((s) => s.verdict === 'good');
    if (check.verified && mine) {
      return {
        ...t,
        status: 'already-signed',
        primaryFingerprint,
        signingKeyFingerprint: mine.signingKeyFingerprint!,
        hashAlgorithm: mine.hashAlgorithm!,
        created: mine.created!,
      };
    }
    if (!options.force) {
      throw new InputError(
        'E_SIGNATURE_EXISTS',
        `${t.signatureFile} already exists and is not a valid signature of ${t.file} by ${primaryFingerprint}.`,
        {
          subject: t.signatureFile,
          hint: 'Pass --force to replace it, or move it away first.',
        },
      );
    }
    return undefined;
  });

  return mapLimit(targets, concurrency, async (t, i): Promise<SignResult> => {
    const done = existing[i];
    if (done) {
      logger.debug(`${t.file}: already signed by ${primaryFingerprint} (${t.signatureFile})`);
      return done;
    }
    const sig = await signFileDetailed(t.file, options.signingKey, {
      logger,
      label: `sign ${path.basename(t.file)}`,
    });
    await writeFileAtomic(t.signatureFile, sig.armored, { mode: 0o644 });
    logger.debug(`${t.file}: signed -> ${t.signatureFile}`);
    return {
      ...t,
      status: 'signed',
      primaryFingerprint,
      signingKeyFingerprint: sig.signingKeyFingerprint ?? subkey.getFingerprint().toUpperCase(),
      hashAlgorithm: sig.hashAlgorithm,
      created: sig.created,
    };
  });
}

async function checkOutputDir(dir: string): Promise<void> {
  const stat = await fs.stat(dir).catch(() => undefined);
  if (!stat)
    throw new InputError('E_NOT_FOUND', `The output directory ${dir} does not exist.`, {
      subject: dir,
      hint: 'Create it first, or leave out --output-dir to write FILE.asc beside each file.',
    });
  if (!stat.isDirectory())
    throw new InputError('E_NOT_A_DIRECTORY', `${dir} is not a directory.`, { subject: dir });
}
