import path from 'node:path';
import { condaDigests, type CondaDigests } from '../distributions/conda/digests.js';
import { filenameProblems, isValidSubdir } from '../distributions/conda/filename.js';
import { requireValidIndex, type CondaIndex } from '../distributions/conda/index-json.js';
import { readCondaMeta } from '../distributions/conda/read.js';
import { InputError, OperationalError, UsageError } from '../errors.js';
import { copyFileAtomic, ensureDir, syncDir, writeFileAtomic } from '../io/atomic.js';
import { mapLimit } from '../io/limit.js';
import { withLock } from '../io/lock.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { rebuildSubdir } from './rebuild.js';
import { pythonJson, recordFor, sectionFor, type Repodata } from './repodata.js';
import {
  CHANNEL_LOCK,
  listSubdirs,
  fileSize,
  readSubdirRepodata,
  SIGNATURE_SUFFIX,
  writeSubdirRepodata,
} from './store.js';

/** Packages read, copied and signed at once. */
export const CHANNEL_CONCURRENCY = 8;

export interface ChannelAddOptions {
  /** The channel root directory (created when missing). */
  channel: string;
  /** Package files to add (.conda / .tar.bz2). */
  files: string[];
  /** Makes an armored detached signature of a file; called for packages without a FILE.asc and for each repodata.json. */
  sign: (file: string) => Promise<string>;
  /** Replace a different file that has the same name (default: refuse). */
  force?: boolean;
  /** Also reindex every package already in the touched subdirs (repairs a damaged repodata.json). */
  rebuild?: boolean;
  dryRun?: boolean;
  /** Called once, before the first write (e.g. to unlock the signing key), so a failure here changes nothing. */
  prepare?: () => Promise<void>;
  logger?: Logger;
}

export interface ChannelAddResult {
  file: string;
  target: string;
  subdir: string;
  status: 'added' | 'replaced' | 'unchanged' | 'would-add';
  sha256: string;
  size: number;
  signature: 'copied' | 'signed' | 'kept';
}

export interface ChannelAddReport {
  channel: string;
  results: ChannelAddResult[];
  /** Every repodata.json written (and signed) by this run. */
  repodata: string[];
}

/**
 * `distseal channel add`: place each package under `<subdir>/`, put its `.asc` beside it, update
 * that subdir's repodata.json incrementally (existing records are kept; only new files are
 * read) and sign every repodata.json written. All of it under the channel lock, all writes atomic.
 */
export async function addToChannel(options: ChannelAddOptions): Promise<ChannelAddReport> {
  const logger = options.logger ?? silentLogger;
  const channel = path.resolve(options.channel);
  // Read and validate every input before touching the channel: a bad file changes nothing.
  // Reading is CPU-bound (decompression), hashing and copying are I/O-bound: a few at a time overlap both.
  const inputs = await mapLimit(options.files, CHANNEL_CONCURRENCY, async (file) => {
    const basename = path.basename(file);
    const problems = filenameProblems(basename);
    if (problems.length)
      throw new InputError('E_CONDA_NAME', `${file}: ${problems.join(' ')}`, { subject: file });
    const meta = await readCondaMeta(file);
    const index: CondaIndex = requireValidIndex(meta.index, file, meta.filename);
    const digests: CondaDigests = await condaDigests(file, { logger, label: `hashing ${basename}` });
    return { file, basename, index, subdir: index.subdir!, digests };
  });
  const seen = new Map<string, string>();
  const unique = inputs.filter((input) => {
    const key = `${input.subdir}/${input.basename}`;
    const before = seen.get(key);
    if (before !== undefined && before !== input.digests.sha256) {
      throw new UsageError(`Two different files named ${input.basename} were given.`, {
        subject: input.file,
      });
    }
    seen.set(key, input.digests.sha256);
    return before === undefined;
  });
  if (options.dryRun) {
    return {
      channel,
      repodata: [],
      results: unique.map((i) => ({
        file: i.file,
        target: path.join(channel, i.subdir, i.basename),
        subdir: i.subdir,
        status: 'would-add',
        sha256: i.digests.sha256,
        size: i.digests.size,
        signature: 'kept',
      })),
    };
  }
  await ensureDir(channel, 0o755);
  let prepared: Promise<void> | undefined;
  const beforeWrite = () => (prepared ??= options.prepare?.() ?? Promise.resolve());
  return withLock(path.join(channel, CHANNEL_LOCK), async () => {
    // --rebuild repairs every subdir on disk, not only the ones the new files go to.
    const existingSubdirs = options.rebuild ? (await listSubdirs(channel)).filter(isValidSubdir) : [];
    const subdirs = [...new Set(['noarch', ...existingSubdirs, ...unique.map((i) => i.subdir)])];
    const repodatas = new Map<string, Repodata>();
    const changed = new Set<string>();
    for (const subdir of subdirs) {
      const { repodata, existed } = options.rebuild
        ? { repodata: await rebuildSubdir(channel, subdir, CHANNEL_CONCURRENCY, logger), existed: false }
        : await readSubdirRepodata(channel, subdir);
      repodatas.set(subdir, repodata);
      if (!existed) changed.add(subdir); // noarch/repodata.json must always exist
    }
    for (const subdir of new Set(unique.map((i) => i.subdir)))
      await ensureDir(path.join(channel, subdir), 0o755);
    // Decide every file's fate before writing anything: a conflict refuses the whole batch untouched.
    const statuses = await mapLimit(
      unique,
      CHANNEL_CONCURRENCY,
      async (input): Promise<ChannelAddResult['status']> => {
        const target = path.join(channel, input.subdir, input.basename);
        const existingSize = await fileSize(target);
        if (existingSize === undefined) return 'added';
        if (
          existingSize === input.digests.size &&
          (await condaDigests(target)).sha256 === input.digests.sha256
        )
          return 'unchanged';
        if (options.force) return 'replaced';
        throw new OperationalError(
          'E_CHANNEL_EXISTS',
          `${target} already exists with different contents than ${input.file}.`,
          {
            subject: target,
            hint: 'A published package must not change under the same name. Bump the build number, or pass --force to replace it. Nothing was changed.',
          },
        );
      },
    );
    const results = await mapLimit(
      unique,
      CHANNEL_CONCURRENCY,
      async (input, i): Promise<ChannelAddResult> => {
        const target = path.join(channel, input.subdir, input.basename);
        const repodata = repodatas.get(input.subdir)!;
        const section = sectionFor(input.basename);
        const status = statuses[i]!;
        if (status !== 'unchanged') {
          await beforeWrite();
          await copyFileAtomic(input.file, target, { syncDir: false });
        }
        const signature = await placeSignature(input.file, target, status, options.sign, beforeWrite);
        const record = recordFor(input.index, input.digests);
        if (pythonJson(repodata[section][input.basename]) !== pythonJson(record)) {
          repodata[section][input.basename] = record;
          changed.add(input.subdir);
        }
        // The command prints the result on stdout; saying it on stderr too would repeat it.
        logger.debug(
          `${status === 'unchanged' ? 'Already in the channel' : status === 'replaced' ? 'Replaced' : 'Added'}: ${input.subdir}/${input.basename}`,
        );
        return {
          file: input.file,
          target,
          subdir: input.subdir,
          status,
          sha256: input.digests.sha256,
          size: input.digests.size,
          signature,
        };
      },
    );
    // One directory fsync per subdir makes every rename above durable before the index names them.
    for (const subdir of subdirs) await syncDir(path.join(channel, subdir));
    const written: string[] = [];
    if (changed.size) await beforeWrite();
    for (const subdir of changed)
      written.push(await writeSubdirRepodata(channel, subdir, repodatas.get(subdir)!, options.sign));
    // A repodata.json whose signature is missing (e.g. an earlier run was interrupted) is signed again.
    for (const subdir of subdirs) {
      if (changed.has(subdir)) continue;
      const file = path.join(channel, subdir, 'repodata.json');
      if ((await fileSize(file + SIGNATURE_SUFFIX)) === undefined) {
        await beforeWrite();
        await writeFileAtomic(file + SIGNATURE_SUFFIX, await options.sign(file));
        written.push(file);
      }
    }
    return { channel, results, repodata: written };
  });
}

/** Keep the package's existing signature, copy the one beside the source, or sign it now. */
async function placeSignature(
  source: string,
  target: string,
  status: ChannelAddResult['status'],
  sign: (file: string) => Promise<string>,
  beforeWrite: () => Promise<void>,
): Promise<ChannelAddResult['signature']> {
  const targetSig = target + SIGNATURE_SUFFIX;
  const sourceSig = source + SIGNATURE_SUFFIX;
  // The same file added again keeps its signature: adding twice must be a no-op.
  if (status === 'unchanged' && (await fileSize(targetSig)) !== undefined) return 'kept';
  if (path.resolve(sourceSig) !== path.resolve(targetSig) && (await fileSize(sourceSig)) !== undefined) {
    await beforeWrite();
    await copyFileAtomic(sourceSig, targetSig, { syncDir: false });
    return 'copied';
  }
  await beforeWrite();
  await writeFileAtomic(targetSig, await sign(target), { syncDir: false });
  return 'signed';
}
