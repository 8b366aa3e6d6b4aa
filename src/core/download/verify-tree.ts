import { opendir, stat } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode, InputError } from '../errors.js';
import { wrapFsError } from '../io/atomic.js';
import { DEFAULT_SIGN_CONCURRENCY, mapLimit } from '../io/limit.js';
import { silentLogger } from '../logger.js';
import type { Reason } from '../verify/reasons.js';
import { KeyChecks } from '../verify/key-checks.js';
import { verifyFile, type VerifyReport } from '../verify/verify-file.js';
import type { TrustInputs } from './fetch-verified.js';
import { defaultWorkers, POOL_MIN_FILES, verifyInPool } from './tree-pool.js';
import { STAGE_PREFIX } from './stage.js';

export interface TreeVerifyOptions extends TrustInputs {
  /** Directories (walked recursively) or single files. */
  roots: string[];
  /** A file without a sibling .asc/.sig fails (default: it is listed as unsigned). */
  requireAll?: boolean;
  /** Files verified at once in this thread (default DEFAULT_SIGN_CONCURRENCY), when no pool is used. */
  concurrency?: number;
  /** Worker threads; default: every core when there are POOL_MIN_FILES or more files. 1 = this thread only. */
  workers?: number;
}

export interface TreeEntry {
  file: string;
  status: 'verified' | 'failed' | 'unsigned';
  signatureFile?: string;
  report?: VerifyReport;
  problems: Reason[];
}

export interface TreeReport {
  roots: string[];
  ok: boolean;
  counts: { verified: number; failed: number; unsigned: number };
  entries: TreeEntry[];
}

const SIGNATURE_EXT = /\.(asc|sig)$/;

/** Every regular file under `root` (symlinks are not followed: no loops, no escaping the tree). */
async function* walk(root: string): AsyncGenerator<string> {
  let dir;
  try {
    dir = await opendir(root);
  } catch (error) {
    throw wrapFsError(error, root, 'read the directory');
  }
  const subdirs: string[] = [];
  for await (const entry of dir) {
    const full = path.join(root, entry.name);
    if (entry.isDirectory()) {
      if (!entry.name.startsWith(STAGE_PREFIX)) subdirs.push(full);
    } else if (entry.isFile()) yield full;
  }
  for (const sub of subdirs.sort()) yield* walk(sub);
}

/** The files to verify under the roots, each with its signature (FILE.asc, else FILE.sig) if any. */
export async function collectSigned(
  roots: string[],
): Promise<Array<{ file: string; signatureFile?: string }>> {
  const all: string[] = [];
  for (const root of roots) {
    const st = await stat(root).catch((error: unknown) => {
      if (errnoCode(error) === 'ENOENT')
        throw new InputError('E_NOT_FOUND', `${root} does not exist.`, { subject: root });
      throw wrapFsError(error, root, 'read');
    });
    if (st.isDirectory()) for await (const f of walk(root)) all.push(f);
    else all.push(root);
  }
  const present = new Set(all);
  return all
    .filter((f) => {
      const m = SIGNATURE_EXT.exec(f);
      // A signature is not a file to verify; an .asc with nothing beside it (a KEYS.asc) is skipped too.
      return !m;
    })
    .sort()
    .map((file) => ({
      file,
      signatureFile: present.has(`${file}.asc`)
        ? `${file}.asc`
        : present.has(`${file}.sig`)
          ? `${file}.sig`
          : undefined,
    }));
}

/**
 * `distseal verify DIR...`: every file with a sibling .asc/.sig, recursively, verified
 * concurrently against the trusted keyring and pins. Files without one are `unsigned`, and fail
 * with `requireAll`. `ok` when nothing failed (and something verified).
 */
export async function verifyTree(options: TreeVerifyOptions): Promise<TreeReport> {
  const logger = options.logger ?? silentLogger;
  const candidates = await collectSigned(options.roots);
  const now = options.now ?? new Date();
  const signed = candidates.filter((c): c is { file: string; signatureFile: string } => !!c.signatureFile);
  const workers = options.workers ?? (signed.length >= POOL_MIN_FILES ? defaultWorkers() : 1);
  const verdicts = new Map<string, VerifyReport | InputError>();
  if (workers > 1) {
    const out = await verifyInPool(signed, { ...options, now, workers });
    signed.forEach((c, i) => verdicts.set(c.file, out[i]!));
  } else {
    const keyChecks = new KeyChecks();
    await mapLimit(
      signed,
      options.concurrency ?? DEFAULT_SIGN_CONCURRENCY,
      async ({ file, signatureFile }) => {
        try {
          verdicts.set(file, await verifyFile({ ...options, now, logger, file, signatureFile, keyChecks }));
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
          verdicts.set(file, error);
        }
      },
    );
  }
  const entries = candidates.map(({ file, signatureFile }): TreeEntry => {
    const verdict = verdicts.get(file);
    if (!signatureFile || !verdict) {
      const problem: Reason = {
        code: 'E_NO_SIGNATURE',
        message: `${file} has no ${path.basename(file)}.asc or .sig beside it`,
        hint: 'Ask the publisher for its signature, or leave out --require-all.',
      };
      return { file, status: options.requireAll ? 'failed' : 'unsigned', problems: [problem] };
    }
    if (verdict instanceof InputError)
      return {
        file,
        signatureFile,
        status: 'failed',
        problems: [{ code: verdict.code, message: verdict.message }],
      };
    return {
      file,
      signatureFile,
      status: verdict.verified ? 'verified' : 'failed',
      report: verdict,
      problems: verdict.verified ? [] : verdict.problems,
    };
  });
  const counts = { verified: 0, failed: 0, unsigned: 0 };
  for (const e of entries) counts[e.status] += 1;
  return { roots: options.roots, ok: counts.failed === 0 && counts.verified > 0, counts, entries };
}
